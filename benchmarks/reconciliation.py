"""Reconciliation time: the library ledger against a running reference debtor system's claim
statement (its own process and SQLite database, over HTTP on localhost).

    .venv/bin/python benchmarks/reconciliation.py --claims 1000000 [--discrepancies 1000]
    scripts/with-postgres .venv/bin/python benchmarks/reconciliation.py --claims 1000000

Both sides are seeded in bulk as they stand after a hand-over (every claim accepted, one
account per patron); the hand-over itself is measured by ``transfer_throughput.py``. Then
faults are injected — half paid in cash at the library (the debtor system does not know),
half lost in the debtor system — and the run must find exactly those. The library side uses
SQLite, or PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import uuid
from pathlib import Path

from harness import analyze, library_django, wired_agency
from report import publish

BATCH = 5_000
PER_PATRON = 4
AGENCY_ID = "BENCH"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--discrepancies", type=int, default=1_000)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/reconciliation.json"))
    args = parser.parse_args()
    root = library_django("bibdebitor-reconcile-")
    from django.db import connection
    from django.db.models import Count

    from bibdebitor.domain.reconciliation import Cause
    from bibdebitor.harness.debtor import DEBTOR_CLI, DebtorProcess
    from bibdebitor.transfer.reconciliation import StatementSource, reconcile

    debtor = DebtorProcess(root / "debtor").start()
    try:
        started = time.perf_counter()
        agency = _seed_library(debtor, args.claims, args.discrepancies)
        analyze()
        lost = _lost(args.claims, args.discrepancies)
        seeding = subprocess.run(  # noqa: S603 - our own interpreter and this file
            [*DEBTOR_CLI[:1], __file__, "seed-debtor", str(args.claims), ",".join(map(str, lost))],
            env={**debtor.env, "DJANGO_SETTINGS_MODULE": "bibdebitor.settings.debtor"},
            check=False,
        )
        if seeding.returncode:
            sys.exit("seeding the debtor system failed")
        seed_seconds = time.perf_counter() - started
        source = StatementSource(f"{debtor.base_url}/sf1590/FordringOversigt/1", debtor.token)
        started = time.perf_counter()
        run = reconcile(agency, source, actor="system:bench")
        seconds = time.perf_counter() - started
        causes = dict(run.discrepancies.values_list("cause").annotate(n=Count("id")))
        vendor = connection.vendor
    finally:
        debtor.stop()
    expected = {
        Cause.AMOUNTS_DIFFER.value: args.discrepancies - len(lost),
        Cause.MISSING_AT_DEBTOR.value: len(lost),
    }
    figures = {
        "benchmark": "reconciliation",
        "library_database": vendor,
        "debtor_database": "sqlite",
        "claims": args.claims,
        "debtor_claims": run.debtor_claims,
        "seed_seconds": round(seed_seconds, 1),
        "reconcile_seconds": round(seconds, 2),
        "claims_per_second": round(args.claims / seconds),
        "discrepancies_injected": expected,
        "discrepancies_found": causes,
    }
    publish(figures, args.json)
    if run.error or causes != expected:
        sys.exit(f"reconciliation did not find exactly the injected faults: {run.error}")


def _lost(claims: int, discrepancies: int) -> list[int]:
    """Claim numbers lost in the debtor system: the second half of the injected faults."""
    step = max(1, claims // discrepancies)
    return [1 + step * i for i in range(discrepancies // 2, discrepancies)]


def _paid_in_cash(claims: int, discrepancies: int) -> list[int]:
    step = max(1, claims // discrepancies)
    return [1 + step * i for i in range(discrepancies // 2)]


def _seed_library(debtor, claims: int, discrepancies: int):
    """Patrons, their accounts, and accepted claims with the journal and the delivered outbox
    message a hand-over leaves."""
    from django.db import transaction
    from django.utils import timezone

    from bibdebitor.domain.classification import AccountType
    from bibdebitor.ledger.models import Claim, ClaimEvent, Patron
    from bibdebitor.transfer.models import DebtorAccount, Liable, MessageState, OutboxMessage

    agency = wired_agency(debtor, AGENCY_ID, "Benchmark Kommune", integration_active=True)
    today, now = timezone.localdate(), timezone.now()
    patron_count = max(1, claims // PER_PATRON)
    with transaction.atomic():
        patrons = Patron.objects.bulk_create(
            [
                Patron(agency=agency, patron_number=f"B{n}", kind="person", name=f"Låner {n}")
                for n in range(patron_count)
            ],
            batch_size=BATCH,
        )
        accounts = DebtorAccount.objects.bulk_create(
            [
                DebtorAccount(
                    agency=agency,
                    patron=p,
                    account_type=AccountType.STANDARD,
                    liable=Liable.PATRON,
                    reference=f"B{n}",
                )
                for n, p in enumerate(patrons)
            ],
            batch_size=BATCH,
        )
    for offset in range(0, claims, BATCH):
        numbers = range(offset + 1, min(claims, offset + BATCH) + 1)
        with transaction.atomic():
            made = Claim.objects.bulk_create(
                [
                    Claim(
                        agency=agency,
                        patron=patrons[n % patron_count],
                        claim_number=n,
                        kind="late_fee" if n % 3 else "replacement",
                        amount_ore=_amount(n),
                        created_on=today,
                        due_date=today,
                    )
                    for n in numbers
                ]
            )
            events = []
            for claim in made:
                for seq, (kind, delta) in enumerate(
                    (("created", claim.amount_ore), ("queued", 0), ("accepted", 0)), start=1
                ):
                    events.append(
                        ClaimEvent(
                            claim=claim,
                            seq=seq,
                            kind=kind,
                            amount_ore=claim.amount_ore if kind == "created" else 0,
                            delta_ore=delta,
                            occurred_at=now,
                            actor="system:bench",
                        )
                    )
            ClaimEvent.objects.bulk_create(events)
            OutboxMessage.objects.bulk_create(
                [
                    OutboxMessage(
                        agency=agency,
                        account=accounts[claim.claim_number % patron_count],
                        claim=claim,
                        kind="create",
                        event_id=uuid.uuid4(),
                        payload={},
                        state=MessageState.DONE,
                        available_at=now,
                        finished_at=now,
                    )
                    for claim in made
                ]
            )
    cash = Claim.objects.filter(
        agency=agency, claim_number__in=_paid_in_cash(claims, discrepancies)
    )
    ClaimEvent.objects.bulk_create(
        ClaimEvent(
            claim=claim,
            seq=4,
            kind="covered",
            amount_ore=1_000,
            delta_ore=-1_000,
            occurred_at=now,
            actor="system:bench",
            reference="kasse",
        )
        for claim in cash
    )
    return agency


def _amount(number: int) -> int:
    return 2_000 + number % 50_000


def seed_debtor(claims: int, lost: set[int]) -> None:
    """Inside the debtor process's settings: the same claims as received and registered."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from bibdebitor.debtor.models import (
        Account,
        ClaimEntry,
        DebtorClaim,
        EntryKind,
        Instance,
        SenderSystem,
    )

    instance, sender = Instance.objects.get(), SenderSystem.objects.get()
    today = timezone.localdate()
    kind_uuid = uuid.uuid4()
    patron_count = max(1, claims // PER_PATRON)
    with transaction.atomic():
        accounts = Account.objects.bulk_create(
            [
                Account(
                    instance=instance,
                    sender=sender,
                    reference=f"B{n}",
                    account_type_uuid=kind_uuid,
                    payment_type="BIB01",
                    org_unit_uuid=instance.organisation_uuid,
                )
                for n in range(patron_count)
            ],
            batch_size=BATCH,
        )
    for offset in range(0, claims, BATCH):
        numbers = [n for n in range(offset + 1, min(claims, offset + BATCH) + 1) if n not in lost]
        with transaction.atomic():
            made = DebtorClaim.objects.bulk_create(
                [
                    DebtorClaim(
                        account=accounts[n % patron_count],
                        claim_id=f"{AGENCY_ID}-{n}",
                        claim_type_uuid=kind_uuid,
                        payment_type="BIB02",
                        amount_ore=_amount(n),
                        founded_on=today,
                        due_date=today,
                        last_timely_payment_date=today,
                        description="Biblioteksgebyr",
                        received_on=today,
                    )
                    for n in numbers
                ]
            )
            ClaimEntry.objects.bulk_create(
                ClaimEntry(
                    claim=claim,
                    kind=EntryKind.REGISTERED,
                    amount_ore=claim.amount_ore,
                    delta_ore=claim.amount_ore,
                    effective_on=today,
                )
                for claim in made
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed-debtor"]:
        seed_debtor(int(sys.argv[2]), {int(n) for n in sys.argv[3].split(",") if n})
    else:
        main()
