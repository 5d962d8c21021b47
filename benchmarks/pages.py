"""Every back-office and citizen page of the library side, timed at a real municipality's
size: server time (the whole Django request: middleware, view, queries, template) per page,
p50 and p95 over repeated requests, with the role that uses the page.

    .venv/bin/python benchmarks/pages.py --claims 1000000 [--patrons 100000] [--requests 15]

A generated municipality (``harness.generator``), of which the claims from a year back are
handed over and a fifth of those covered, with error tasks; a second, small agency beside it
so every list has more than one row. ``--data-dir`` keeps the seeded database for the next
run (seeding 1,000,000 claims takes minutes). SQLite, or PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
import time
import uuid
from pathlib import Path

from harness import analyze, library_django, page_row, staff_client
from report import publish

TARGET_SECONDS = 1.0
# A fresh staff password each run (set again on a kept database).
PASSWORD = secrets.token_urlsafe(16)
AGENCY = "PAGES"


def setup_django(data_dir: Path | None) -> None:
    if data_dir is not None:
        os.environ.setdefault("BIBDEBITOR_DATA_DIR", str(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibdebitor.settings.library")
    os.environ["BIBDEBITOR_LOG_LEVEL"] = "ERROR"
    # Nothing answers there: the checklist's questions to the other systems fail fast, as
    # they do when a platform is down (their own pages are timed by their own processes).
    os.environ.setdefault("BIBDEBITOR_PLATFORM_URL", "")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(patrons: int, claims: int) -> float:
    """The municipality, unless a kept database has it already; returns seconds spent."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from bibdebitor.backoffice.roles import SYSTEM_ADMINISTRATORS
    from bibdebitor.domain.vendors import Vendor
    from bibdebitor.harness.generator import MunicipalitySize, generate_municipality
    from bibdebitor.ledger.models import Agency, Claim, ClaimEvent, EventKind
    from bibdebitor.ledger.services import set_pin
    from bibdebitor.transfer.models import ErrorTask

    if Agency.objects.filter(agency_id=AGENCY).exists():
        return 0.0
    started = time.perf_counter()
    agency = Agency.objects.create(
        agency_id=AGENCY,
        name="Sidetider Kommune",
        cvr="29189129",
        municipality_code="999",
        debtor_vendor=Vendor.KMD_OPUS,
        substitute_cpr_enabled=True,
    )
    small = Agency.objects.create(
        agency_id="PAGES2", name="Lille Kommune", cvr="29189129", municipality_code="998"
    )
    generate_municipality(agency, MunicipalitySize(patrons=patrons, claims=claims), seed=1)
    generate_municipality(small, MunicipalitySize(patrons=200, claims=800), seed=2)
    cutoff = timezone.localdate() - dt.timedelta(days=365)
    now = timezone.now()
    handed = Claim.objects.filter(agency=agency, created_on__gte=cutoff).values_list(
        "pk", "amount_ore"
    )
    batch: list[ClaimEvent] = []
    for index, (claim_id, amount) in enumerate(handed.iterator(chunk_size=5_000)):
        kinds = [EventKind.QUEUED, EventKind.TRANSFERRED, EventKind.ACCEPTED]
        # Numbered after whatever the generator opened the journal with (1, or 1 and 2).
        for seq, kind in enumerate(kinds, start=10):
            batch.append(_event(claim_id, seq, kind, 0, 0, now))
        if index % 5 == 0:  # a fifth paid in full at the municipality
            batch.append(_event(claim_id, 13, EventKind.COVERED, amount, -amount, now))
        if len(batch) >= 20_000:
            with transaction.atomic():
                ClaimEvent.objects.bulk_create(batch)
            batch = []
    ClaimEvent.objects.bulk_create(batch)
    ErrorTask.objects.bulk_create(
        ErrorTask(
            agency=agency,
            code=f"E{n % 7}",
            text="Afvist af debitorsystemet",
            transaction_id=uuid.uuid4(),
        )
        for n in range(300)
    )
    Agency.objects.filter(pk=agency.pk).update(cutoff_date=cutoff, integration_active=True)
    call_command(
        "staff-user",
        "--username=sidetider",
        f"--password={PASSWORD}",
        f"--role={SYSTEM_ADMINISTRATORS}",
    )
    citizen = agency.patrons.filter(kind="person").exclude(cpr="").order_by("pk").first()
    set_pin(citizen, "2468")
    return time.perf_counter() - started


def _event(claim_id, seq, kind, amount, delta, now):
    from bibdebitor.ledger.models import ClaimEvent

    return ClaimEvent(
        claim_id=claim_id,
        seq=seq,
        kind=kind,
        amount_ore=amount,
        delta_ore=delta,
        occurred_at=now,
        actor="system:bench",
    )


def pages() -> list[tuple[str, str, str]]:
    """(role, page, path) for every page of the library process."""
    from bibdebitor.transfer.models import ReconciliationRun

    a = AGENCY
    cutoff = (dt.date.today() - dt.timedelta(days=365)).isoformat()
    found = [
        ("staff", "Overblik", "/"),
        ("staff", "Dashboard, alle", "/dashboard/"),
        ("staff", "Dashboard, én kommune", f"/dashboard/?agency={a}"),
        ("staff", "Idriftsættelse, alle kommuner", "/kommuner/"),
        ("staff", "Tjekliste", f"/kommuner/{a}/"),
        ("staff", "Opsætning", f"/kommuner/{a}/opsaetning/"),
        ("staff", "Ny kommune", "/kommuner/ny/"),
        ("staff", "Datavask", f"/kommuner/{a}/datavask/"),
        ("staff", "Datavask, ét fund", f"/kommuner/{a}/datavask/?fund=person_without_cpr"),
        ("staff", "Prøvekørsel, formular", "/cutover/preview/"),
        ("staff", "Prøvekørsel, resultat", f"/cutover/preview/?agency={a}&cutoff={cutoff}"),
        ("staff", "Fejlopgaver", "/opgaver/"),
        ("staff", "Fejlopgaver, side 3", "/opgaver/?side=3"),
        ("staff", "Afstemning", f"/afstemning/?agency={a}"),
        ("citizen", "Borgersiden", f"/borger/{a}/"),
        ("citizen", "Betal i biblioteket", f"/borger/{a}/betal/"),
        ("anonymous", "Log ind (borger)", f"/borger/{a}/log-ind/"),
        ("anonymous", "Ukendt adresse (404)", "/findes-ikke/"),
    ]
    if ReconciliationRun.objects.exists():
        found.append(("staff", "Afstemning, kørsel", f"/afstemning/?agency={a}"))
    return found


def clients():
    from django.test import Client

    from bibdebitor.ledger.models import Agency

    staff = staff_client("sidetider")
    citizen = Client(HTTP_HOST="127.0.0.1")
    patron = Agency.objects.get(agency_id=AGENCY).patrons.exclude(pin_hash="").get()
    signed_in = citizen.post(
        f"/borger/{AGENCY}/log-ind/", {"username": patron.patron_number, "pin": "2468"}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    return {"staff": staff, "citizen": citizen, "anonymous": Client(HTTP_HOST="127.0.0.1")}


def time_dry_run(client) -> dict:
    """Making the dry run (a POST that reads every claim and keeps the result), once."""
    cutoff = (dt.date.today() - dt.timedelta(days=365)).isoformat()
    started = time.perf_counter()
    response = client.post("/cutover/preview/", {"agency": AGENCY, "cutoff": cutoff})
    seconds = time.perf_counter() - started
    print(f"{'Prøvekørsel, kør (POST)':32} {response.status_code} once {seconds * 1000:>9.1f} ms")
    return {
        "page": "Prøvekørsel, kør (POST)",
        "role": "staff",
        "path": "/cutover/preview/ (POST)",
        "status": response.status_code,
        "first_ms": round(seconds * 1000, 1),
        "action": True,  # an explicit job, not a page: not held to the page target
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--patrons", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument("--data-dir", type=Path, help="keep the seeded database here")
    parser.add_argument("--only", help="time only pages whose name contains this")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/pages.json"))
    args = parser.parse_args()
    if args.data_dir is None:
        library_django("bibdebitor-pages-")
    else:
        setup_django(args.data_dir)
    from django.db import connection

    seed_seconds = seed(args.patrons, args.claims)
    analyze()
    by_role = clients()
    rows = [time_dry_run(by_role["staff"])]
    for role, name, path in pages():
        if args.only and args.only.lower() not in name.lower():
            continue
        from django.core.cache import cache

        cache.clear()  # each page counts its own totals first, as after a minute's quiet
        rows.append(page_row(by_role[role], role, name, path, args.requests))
    slow = [r["page"] for r in rows if not r.get("action") and r["p95_ms"] > TARGET_SECONDS * 1000]
    publish(
        {
            "benchmark": "pages",
            "database": connection.vendor,
            "claims": args.claims,
            "patrons": args.patrons,
            "requests_per_page": args.requests,
            "seed_seconds": round(seed_seconds, 1),
            "pages": rows,
            "over_target": slow,
        },
        args.json,
    )


if __name__ == "__main__":
    sys.exit(main())
