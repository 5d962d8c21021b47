"""The FBS-compatible fees API under load: requests per second and latency percentiles with a
large ledger behind it.

    .venv/bin/python benchmarks/fees_api.py --claims 1000000 [--seconds 20] [--clients 8]

The library runs as its own process (``bibdebitor serve``, waitress); the load comes from
client threads in this process over keep-alive connections, each asking for a random
patron's fees with that patron's token. The load generator shares the machine's cores with
the server, so the figures are a floor. SQLite, or PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from harness import analyze, library_django
from report import publish

LIBRARY_CLI = [sys.executable, "-c", "from bibdebitor.cli import main; main()"]
BATCH = 5_000
PER_PATRON = 4
FEES = "/external/agencyid/patron/patronid/fees/v2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--tokens", type=int, default=2_000, help="patrons asking")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2, help="server processes")
    parser.add_argument("--threads", type=int, default=1, help="per server process")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/fees_api.json"))
    args = parser.parse_args()
    library_django("bibdebitor-fees-")
    from django.db import connection

    from bibdebitor.harness.processes import free_port, wait_for_port

    started = time.perf_counter()
    tokens = _seed(args.claims, args.tokens)
    analyze()
    seed_seconds = time.perf_counter() - started
    vendor = connection.vendor
    connection.close()
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        [
            *LIBRARY_CLI,
            "serve",
            f"--addr=127.0.0.1:{port}",
            f"--threads={args.threads}",
            f"--processes={args.processes}",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        latencies, errors = _load(port, tokens, args)
    finally:
        server.terminate()
        server.wait(10)
    latencies.sort()
    figures = {
        "benchmark": "fees_api",
        "database": vendor,
        "claims": args.claims,
        "clients": args.clients,
        "seed_seconds": round(seed_seconds, 1),
        "requests": len(latencies),
        "errors": errors,
        "requests_per_second": round(len(latencies) / args.seconds),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1),
    }
    publish(figures, args.json)
    if errors:
        sys.exit(f"{errors} requests failed")


def _load(port: int, tokens: list[str], args) -> tuple[list[float], int]:
    """Client threads over keep-alive connections. ``http.client`` rather than httpx: the
    load generator shares the two cores with the server, and costs it less than half as
    much CPU per request."""
    deadline = time.perf_counter() + args.seconds
    found: list[list[float]] = [[] for _ in range(args.clients)]
    failed = [0] * args.clients
    query = urlencode({"includepaid": "false", "includenonpayable": "true"})

    def client(index: int) -> None:
        rng = random.Random(index)
        http = HTTPConnection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            token = rng.choice(tokens)
            start = time.perf_counter()
            http.request("GET", f"{FEES}?{query}", headers={"Authorization": f"Bearer {token}"})
            answer = http.getresponse()
            answer.read()
            found[index].append(time.perf_counter() - start)
            if answer.status != 200:
                failed[index] += 1
        http.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [t for part in found for t in part], sum(failed)


def _seed(claims: int, token_count: int) -> list[str]:
    from django.db import transaction
    from django.utils import timezone

    from bibdebitor.citizen.models import AccessToken, ClientSystem
    from bibdebitor.common.credentials import digest
    from bibdebitor.ledger.models import Agency, Claim, ClaimEvent, Patron

    agency = Agency.objects.create(
        agency_id="FEES", name="Gebyr Kommune", cvr="29189129", municipality_code="999"
    )
    website = ClientSystem.objects.create(
        agency=agency, name="Hjemmeside", client_id="bench", secret_sha256=uuid.uuid4().hex
    )
    today, now = timezone.localdate(), timezone.now()
    patron_count = max(1, claims // PER_PATRON)
    patrons = Patron.objects.bulk_create(
        (
            Patron(agency=agency, patron_number=f"F{n}", kind="person", name=f"Låner {n}")
            for n in range(patron_count)
        ),
        batch_size=BATCH,
    )
    for offset in range(0, claims, BATCH):
        with transaction.atomic():
            made = Claim.objects.bulk_create(
                Claim(
                    agency=agency,
                    patron=patrons[n % patron_count],
                    claim_number=n + 1,
                    kind="late_fee",
                    amount_ore=2_000 + n % 5_000,
                    created_on=today - dt.timedelta(days=n % 700),
                    due_date=today,
                )
                for n in range(offset, min(claims, offset + BATCH))
            )
            ClaimEvent.objects.bulk_create(
                ClaimEvent(
                    claim=c,
                    seq=1,
                    kind="created",
                    amount_ore=c.amount_ore,
                    delta_ore=c.amount_ore,
                    occurred_at=now,
                    actor="system:bench",
                )
                for c in made
            )
    tokens = [uuid.uuid4().hex for _ in range(min(token_count, patron_count))]
    AccessToken.objects.bulk_create(
        AccessToken(
            token_sha256=digest(token),
            client=website,
            patron=patrons[i * (patron_count // len(tokens))],
            expires_at=now + dt.timedelta(hours=2),
        )
        for i, token in enumerate(tokens)
    )
    return tokens


if __name__ == "__main__":
    main()
