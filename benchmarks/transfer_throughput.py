"""Transfer throughput, end to end: claims handed over from the library's outbox to a running
reference debtor system (its own process and SQLite database) over HTTP on localhost.

    .venv/bin/python benchmarks/transfer_throughput.py --claims 100000 [--workers 2]
    scripts/with-postgres .venv/bin/python benchmarks/transfer_throughput.py --debtor-processes 2

Generates a municipality, switches the integration on with a cut-off date far back (timed:
the outbox is filled), then runs ``bibdebitor worker --once`` processes until the outbox is
empty (timed: delivery, including the receiver's work), and checks the debtor system holds
every claim. The library side uses SQLite, or PostgreSQL when DATABASE_URL is set. Two sender
workers and two debtor server processes keep both cores busy (one worker leaves a core idle
while it waits for each answer: ~1,150 claims/s delivered against ~2,400 with two).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from harness import library_django, wired_agency
from report import publish

WORKER = [sys.executable, "-c", "from bibdebitor.cli import main; main()", "worker", "--once"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000, help="claims to hand over")
    parser.add_argument("--workers", type=int, default=2, help="sender workers")
    parser.add_argument("--debtor-processes", type=int, default=2, help="its server processes")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--json", type=Path, default=Path("benchmarks/results/transfer_throughput.json")
    )
    args = parser.parse_args()
    root = library_django("bibdebitor-transfer-")
    from django.db import connection

    from bibdebitor.harness.debtor import DebtorProcess
    from bibdebitor.sortiment.cutover import preview
    from bibdebitor.transfer.activation import activate
    from bibdebitor.transfer.models import Delivery, OutboxMessage
    from bibdebitor.transfer.outbox import enqueue_claims

    debtor = DebtorProcess(root / "debtor", processes=args.debtor_processes).start()
    try:
        agency = wired_agency(debtor, "BENCH", "Benchmark Kommune", substitute_cpr_enabled=True)
        _generate(agency, args.claims)
        cutoff = dt.date(2000, 1, 1)
        started = time.perf_counter()
        activation = activate(
            agency,
            cutoff=cutoff,
            preview_code=preview(agency, cutoff).fingerprint,
            actor="system:bench",
        )
        enqueue_seconds = time.perf_counter() - started
        handed_over = activation.handed_over
        assert enqueue_claims(agency, None, actor="system:bench") == 0  # nothing twice
        connection.close()
        env = {
            **os.environ,
            "BIBDEBITOR_SF1590_URL": debtor.url,
            "BIBDEBITOR_SF1590_TOKEN": debtor.token,
            "BIBDEBITOR_TRANSFER_BATCH_SIZE": str(args.batch_size),
            "BIBDEBITOR_LOG_LEVEL": "WARNING",
        }
        started = time.perf_counter()
        workers = [subprocess.Popen(WORKER, env=env) for _ in range(args.workers)]  # noqa: S603
        for worker in workers:
            worker.wait()
        deliver_seconds = time.perf_counter() - started
        received = debtor.query("SELECT COUNT(*) FROM debtor_debtorclaim")[0][0]
        left = OutboxMessage.objects.exclude(state="done").count()
        calls = Delivery.objects.count()
        vendor = connection.vendor
    finally:
        debtor.stop()
    figures = {
        "library_database": vendor,
        "debtor_database": "sqlite",
        "workers": args.workers,
        "debtor_processes": args.debtor_processes,
        "batch_size": args.batch_size,
        "claims_handed_over": handed_over,
        "claims_received_by_debtor": received,
        "not_delivered": left,
        "calls": calls,
        "enqueue_seconds": round(enqueue_seconds, 2),
        "enqueue_claims_per_second": round(handed_over / enqueue_seconds),
        "delivery_seconds": round(deliver_seconds, 2),
        "delivery_claims_per_second": round(handed_over / deliver_seconds),
    }
    publish(figures, args.json)
    if received != handed_over or left:
        sys.exit("not every claim arrived")


def _generate(agency, wanted: int) -> None:
    """Adults with one open late fee or replacement claim each few patrons: every claim
    transferable, written in bulk as an import would."""
    from django.db import transaction
    from django.utils import timezone

    from bibdebitor.ledger.models import Claim, ClaimEvent, Patron
    from bibdebitor.ledger.services import opening_events

    today = timezone.localdate()
    patrons = [
        Patron(
            agency=agency,
            patron_number=f"B{n}",
            kind="person",
            name=f"Låner {n}",
            cpr=f"{n % 28 + 1:02d}{n // 28 % 12 + 1:02d}{60 + n // 336 % 40:02d}{n % 4000:04d}",
        )
        for n in range(max(1, wanted // 4))
    ]
    with transaction.atomic():
        Patron.objects.bulk_create(patrons, batch_size=5_000)
        claims = Claim.objects.bulk_create(
            [
                Claim(
                    agency=agency,
                    patron=patrons[n % len(patrons)],
                    claim_number=n + 1,
                    kind="late_fee" if n % 3 else "replacement",
                    amount_ore=2_000 + n % 50_000,
                    created_on=today - dt.timedelta(days=n % 300),
                    due_date=today + dt.timedelta(days=30),
                )
                for n in range(wanted)
            ],
            batch_size=5_000,
        )
        now = timezone.now()
        events = [
            e for c in claims for e in opening_events(c, actor="system:bench", occurred_at=now)
        ]
        ClaimEvent.objects.bulk_create(events, batch_size=5_000)


if __name__ == "__main__":
    main()
