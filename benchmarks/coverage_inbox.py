"""Applying coverage in the library: one DækningAfskrivningRegistreringAfsend call carrying a
nightly batch of payments, through the coverage service's inbox (stored, applied once, block
status followed), without HTTP.

    .venv/bin/python benchmarks/coverage_inbox.py [--registrations 5000] [--calls 3]

SQLite in a temporary directory, or PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import time
import uuid
from pathlib import Path

from harness import library_django
from report import publish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrations", type=int, default=5_000, help="per call")
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/coverage_inbox.json"))
    args = parser.parse_args()
    library_django("bibdebitor-inbox-")
    from django.db import connection
    from django.utils import timezone

    from bibdebitor.ledger.models import Agency, Claim, ClaimEvent, Patron
    from bibdebitor.protocol.messages import (
        CoverageKind,
        CoverageRegistration,
        CoverageRequest,
        Header,
        SystemRef,
    )
    from bibdebitor.transfer.inbox import receive_coverage

    agency = Agency.objects.create(
        agency_id="INBOX", name="Indbakke Kommune", cvr="29189129", municipality_code="999"
    )
    total = args.registrations * args.calls
    patrons = Patron.objects.bulk_create(
        Patron(agency=agency, patron_number=f"I{n}", kind="person", name=f"Låner {n}")
        for n in range(total)
    )
    today, now = timezone.localdate(), timezone.now()
    claims = Claim.objects.bulk_create(
        Claim(
            agency=agency,
            patron=patron,
            claim_number=n + 1,
            kind="late_fee",
            amount_ore=30_000,
            created_on=today,
            due_date=today,
        )
        for n, patron in enumerate(patrons)
    )
    ClaimEvent.objects.bulk_create(
        ClaimEvent(
            claim=c,
            seq=1,
            kind="created",
            amount_ore=30_000,
            delta_ore=30_000,
            occurred_at=now,
            actor="system:bench",
        )
        for c in claims
    )
    seconds = []
    for call in range(args.calls):
        batch = claims[call * args.registrations : (call + 1) * args.registrations]
        request = CoverageRequest(
            Header(
                uuid.uuid4(),
                now,
                SystemRef(uuid.uuid4(), uuid.uuid4()),
                SystemRef(uuid.uuid4(), uuid.uuid4()),
            ),
            tuple(
                CoverageRegistration(
                    uuid.uuid4(),
                    f"I{c.claim_number}",
                    CoverageKind.PAYMENT,
                    today,
                    f"INBOX-{c.claim_number}",
                    10_000 if c.claim_number % 2 else 30_000,
                )
                for c in batch
            ),
        )
        started = time.perf_counter()
        receive_coverage(agency, request, b"<bench/>")
        seconds.append(time.perf_counter() - started)
    covered = ClaimEvent.objects.filter(kind="covered").count()
    best = min(seconds)
    figures = {
        "benchmark": "coverage_inbox",
        "database": connection.vendor,
        "registrations_per_call": args.registrations,
        "calls": args.calls,
        "seconds_per_call": [round(s, 2) for s in seconds],
        "registrations_per_second": round(args.registrations / best),
    }
    publish(figures, args.json)
    if covered != total:
        raise SystemExit(f"{covered} of {total} payments applied")


if __name__ == "__main__":
    main()
