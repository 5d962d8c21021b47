"""What the benchmarks share: the library side's Django on a fresh database in a temporary
directory (or PostgreSQL when DATABASE_URL is set), and an agency wired to a running
reference debtor system."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path


def library_django(prefix: str) -> Path:
    """Set up and migrate the library side; returns the temporary directory (the library's
    SQLite file lives in ``library/`` under it, a debtor process may use another)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("BIBDEBITOR_DATA_DIR", str(root / "library"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibdebitor.settings.library")
    os.environ["BIBDEBITOR_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return root


def process_django(process: str, data_dir: Path | None, prefix: str) -> None:
    """Set up and migrate the debtor system's (``debtor``) or the platform's (``broker``)
    Django in ``data_dir`` (default: a new temporary directory); PostgreSQL when
    ``BIBDEBITOR_<PROCESS>_DATABASE_URL`` or ``DATABASE_URL`` is set."""
    root = data_dir or Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("BIBDEBITOR_DATA_DIR", str(root))
    os.environ["DJANGO_SETTINGS_MODULE"] = f"bibdebitor.settings.{process}"
    os.environ["BIBDEBITOR_LOG_LEVEL"] = "ERROR"
    if os.environ.get("DATABASE_URL"):
        os.environ.setdefault(
            f"BIBDEBITOR_{process.upper()}_DATABASE_URL", os.environ["DATABASE_URL"]
        )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def wired_agency(debtor, agency_id: str, name: str, **extra: object):
    """A KMD Opus agency whose routing settings point at ``debtor`` (a ``DebtorProcess``)."""
    from bibdebitor.domain.vendors import Vendor
    from bibdebitor.ledger.models import Agency

    return Agency.objects.create(
        agency_id=agency_id,
        name=name,
        cvr="29189129",
        municipality_code="999",
        debtor_vendor=Vendor.KMD_OPUS,
        organisation_uuid=debtor.organisation,
        debtor_instance_uuid=debtor.instance,
        sender_instance_uuid=debtor.sender,
        org_unit_uuid=debtor.organisation,
        **extra,
    )


def cpu_seconds(*roots: int) -> float:
    """CPU time (user + system) used so far by these processes and every process below
    them (Linux ``/proc``): the benchmarks' processes fork their own workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, used = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after the command's name
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks

    def below(pid: int) -> bool:
        while pid > 1:
            if pid in roots:
                return True
            pid = parents.get(pid, 0)
        return False

    return sum(seconds for pid, seconds in used.items() if below(pid))


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics after bulk seeding, as autovacuum would on a
    live database (without them it plans for empty tables: a sequential scan of the journal
    per fees request). SQLite gathers none unless told, and is measured that way: with
    statistics its planner made the dry run 1.5× slower."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def time_page(client, path: str, requests: int) -> tuple[float, list[float], int]:
    """A page's first request (templates compiled, caches filled) and the sorted timings of
    the next ``requests``, with the last status."""
    started = time.perf_counter()
    client.get(path)
    first = time.perf_counter() - started
    timings, status = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        status = response.status_code
    return first, sorted(timings), status


def page_row(client, role: str, name: str, path: str, requests: int) -> dict[str, object]:
    """One page timed (``time_page``) as a row of the pages table, printed as it is made."""
    first, timings, status = time_page(client, path, requests)
    row = {
        "page": name,
        "role": role,
        "path": path,
        "status": status,
        "first_ms": round(first * 1000, 1),
        "p50_ms": round(statistics.median(timings) * 1000, 1),
        "p95_ms": round(percentile(timings, 0.95) * 1000, 1),
    }
    print(
        f"{name:32} {status} first {row['first_ms']:>8} ms  p50 {row['p50_ms']:>8} ms  "
        f"p95 {row['p95_ms']:>8} ms",
        flush=True,
    )
    return row


def percentile(sorted_values: list[float], share: float) -> float:
    index = min(len(sorted_values) - 1, round(share * (len(sorted_values) - 1)))
    return sorted_values[index]


def staff_client(username: str):
    """A test client signed in as a kept staff user (no password typed: the sign-in's lock-out
    would count a benchmark's repeated runs)."""
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    return client
