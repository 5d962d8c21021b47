"""The service platform's pages for the agreement administrator, timed at the country's size:
server time (the whole Django request) per page, p50 and p95 over repeated requests.

    .venv/bin/python benchmarks/platform_pages.py [--municipalities 98] [--calls 500000]

Every municipality with its debtor system, the library system (FBS) as caller of the
registration service and each debtor system as caller of the coverage service, each agreement
approved after a request (a few rejected, revoked or still waiting), and a year's calls in the
call log. Seeded straight into the tables in bulk. ``--data-dir`` keeps the database for the
next run. SQLite, or PostgreSQL when BIBDEBITOR_BROKER_DATABASE_URL (or DATABASE_URL) is set.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

from harness import analyze, page_row, process_django, staff_client
from report import publish

TARGET_SECONDS = 1.0
ADMINISTRATOR = "aftaler"
BATCH = 20_000
FBS = uuid.UUID("6f1b3c2a-0000-4000-8000-000000000f85")


def seed(municipalities: int, calls: int) -> float:
    """The country, unless a kept database has it already; returns seconds spent."""
    from django.core.management import call_command
    from django.db import transaction

    from bibdebitor.broker.models import Agreement, ItSystem

    if ItSystem.objects.filter(uuid=FBS).exists():
        return 0.0
    started = time.perf_counter()
    call_command("platform", "administrator", "--username", ADMINISTRATOR, "--password", "-")
    with transaction.atomic():
        agreements = _agreements(municipalities)
    with transaction.atomic():
        _decisions(agreements)
    _calls(calls, list(Agreement.objects.values_list("caller_id", "municipality_id", "service")))
    return time.perf_counter() - started


def _agreements(count: int) -> list:
    from bibdebitor.broker.models import Agreement, ItSystem, Municipality, Service

    fbs = ItSystem.objects.create(uuid=FBS, name="FBS (Fællesbibliotekssystemet)")
    vendors = ("KMD Opus", "Fujitsu Prisme", "EG ØS Indsigt")
    places = Municipality.objects.bulk_create(
        Municipality(
            cvr=f"{29_000_000 + n}", name=f"Kommune {n:03d}", organisation_uuid=uuid.uuid4()
        )
        for n in range(count)
    )
    debtors = ItSystem.objects.bulk_create(
        ItSystem(uuid=uuid.uuid4(), name=f"{vendors[n % 3]}, {place.name}")
        for n, place in enumerate(places)
    )
    made = []
    for place, debtor in zip(places, debtors, strict=True):
        made += [
            Agreement(
                caller=fbs, service=Service.REGISTRATION, municipality=place, requested_by="x"
            ),
            Agreement(
                caller=debtor, service=Service.COVERAGE, municipality=place, requested_by="x"
            ),
        ]
    return Agreement.objects.bulk_create(made)


def _decisions(agreements: list) -> None:
    """Most approved; every tenth rejected first and approved on a second request; every
    twentieth revoked; every thirtieth still waiting."""
    from django.contrib.auth.models import User

    from bibdebitor.broker.models import AgreementDecision

    by = User.objects.get(username=ADMINISTRATOR)
    rows = []
    for n, agreement in enumerate(agreements):
        if n % 30 == 29:
            continue
        if n % 10 == 3:
            rows.append(AgreementDecision(agreement=agreement, state="rejected", decided_by=by))
        rows.append(AgreementDecision(agreement=agreement, state="approved", decided_by=by))
        if n % 20 == 7:
            rows.append(AgreementDecision(agreement=agreement, state="revoked", decided_by=by))
    AgreementDecision.objects.bulk_create(rows, batch_size=BATCH)


def _calls(count: int, pairs: list[tuple[int, int, str]]) -> None:
    from django.db import transaction

    from bibdebitor.broker.models import Call

    outcomes = ["forwarded"] * 47 + ["agreement_missing", "signature_invalid", "upstream_timeout"]
    for start in range(0, count, BATCH):
        with transaction.atomic():
            Call.objects.bulk_create(
                Call(
                    service=pairs[n % len(pairs)][2],
                    caller_id=pairs[n % len(pairs)][0],
                    municipality_id=pairs[n % len(pairs)][1],
                    transaction_id=uuid.uuid4(),
                    outcome=outcomes[n % len(outcomes)],
                    http_status=200,
                    duration_ms=40 + n % 300,
                )
                for n in range(start, min(count, start + BATCH))
            )


def pages() -> list[tuple[str, str, str]]:
    from bibdebitor.broker.models import Agreement, Municipality

    place = Municipality.objects.order_by("name")[42]
    agreement = Agreement.objects.filter(municipality=place).order_by("service").first()
    assert agreement is not None
    return [
        ("administrator", "Serviceaftaler", "/"),
        ("administrator", "Serviceaftaler, én kommune", f"/?municipality={place.pk}"),
        ("administrator", "Serviceaftaler, anmodet", "/?state=requested"),
        ("administrator", "Serviceaftale", f"/serviceaftaler/{agreement.pk}/"),
        ("administrator", "Kald", "/kald/"),
        ("administrator", "Administration", "/admin/"),
        ("anonymous", "Log ind", "/admin/login/"),
        ("anonymous", "Ukendt adresse (404)", "/findes-ikke/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--municipalities", type=int, default=98)
    parser.add_argument("--calls", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=10, help="timed requests per page")
    parser.add_argument("--data-dir", type=Path, help="keep the seeded database here")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/platform_pages.json"))
    args = parser.parse_args()
    process_django("broker", args.data_dir, "bibdebitor-platform-pages-")
    from django.db import connection
    from django.test import Client

    seed_seconds = seed(args.municipalities, args.calls)
    analyze()
    by_role = {
        "administrator": staff_client(ADMINISTRATOR),
        "anonymous": Client(HTTP_HOST="127.0.0.1"),
    }
    rows = [
        page_row(by_role[role], role, name, path, args.requests) for role, name, path in pages()
    ]
    publish(
        {
            "benchmark": "platform_pages",
            "database": connection.vendor,
            "municipalities": args.municipalities,
            "calls": args.calls,
            "requests_per_page": args.requests,
            "seed_seconds": round(seed_seconds, 1),
            "pages": rows,
            "over_target": [r["page"] for r in rows if r["p95_ms"] > TARGET_SECONDS * 1000],
        },
        args.json,
    )


if __name__ == "__main__":
    sys.exit(main())
