"""The debtor system's staff pages and its citizen portal, timed at a real municipality's size:
server time (the whole Django request) per page, p50 and p95 over repeated requests.

    .venv/bin/python benchmarks/debtor_pages.py --claims 1000000 [--accounts 100000]

One instance, ``--accounts`` debtor accounts (a liable person each, with name and address), the
claims spread over them, each with its registration; nine in ten invoiced (one invoice per
account), a third of those with a reminder, a fifth paid in full, one in twenty handed over for
collection; a few hundred unplaced payments. Seeded straight into the tables in bulk (the
receiver is timed by the hand-over benchmark). ``--data-dir`` keeps the database for the next
run. SQLite, or PostgreSQL when BIBDEBITOR_DEBTOR_DATABASE_URL (or DATABASE_URL) is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import sys
import time
import uuid
from pathlib import Path

from harness import page_row, process_django, staff_client
from report import publish

TARGET_SECONDS = 1.0
PASSWORD = secrets.token_urlsafe(16)
INSTANCE = uuid.UUID("3b1c2d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d")
BATCH = 20_000


def cpr_of(number: int) -> str:
    """A valid-looking, distinct CPR number per account (born 1950–1999, day by number)."""
    day = dt.date(1950, 1, 1) + dt.timedelta(days=number % 18_000)
    return f"{day:%d%m%y}{number % 10_000:04d}"


def seed(accounts: int, claims: int) -> float:
    from django.contrib.auth.models import User
    from django.db import transaction

    from bibdebitor.debtor import clock
    from bibdebitor.debtor.models import (
        Account,
        Instance,
        Liability,
        Payment,
        PaymentChannel,
        SenderSystem,
    )
    from bibdebitor.debtor.setup import map_sortiment, set_default_rules, subscribe
    from bibdebitor.domain.catalogue import ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET, CatalogueClass
    from bibdebitor.domain.classification import AccountType, ClaimType

    if Instance.objects.filter(instance_uuid=INSTANCE).exists():
        return 0.0
    started = time.perf_counter()
    instance = Instance.objects.create(
        name="Sidetider Kommune",
        organisation_uuid=uuid.uuid4(),
        instance_uuid=INSTANCE,
        vendor="kmd_opus",
        creditor_number="87654321",
    )
    sender = SenderSystem.objects.create(
        instance=instance, it_system_uuid=uuid.uuid4(), token_sha256="0" * 64, name="FBS"
    )
    subscribe(instance)
    map_sortiment(instance)
    set_default_rules(instance)
    account_type = CatalogueClass(ACCOUNT_TYPE_FACET, AccountType.STANDARD, "").uuid
    claim_type = CatalogueClass(CLAIM_TYPE_FACET, ClaimType.LATE_FEE, "").uuid
    today = clock.today()
    with transaction.atomic():
        Account.objects.bulk_create(
            (
                Account(
                    instance=instance,
                    sender=sender,
                    reference=f"B-{n}",
                    account_type_uuid=account_type,
                    payment_type="BIBGEBYR",
                    org_unit_uuid=instance.organisation_uuid,
                )
                for n in range(accounts)
            ),
            batch_size=BATCH,
        )
    ids = list(
        Account.objects.filter(instance=instance).order_by("pk").values_list("pk", flat=True)
    )
    with transaction.atomic():
        Liability.objects.bulk_create(
            (
                Liability(
                    account_id=pk,
                    cpr=cpr_of(n),
                    name=f"Borger {n} Hansen",
                    street=f"Vejen {n % 200 + 1}",
                    postcode="2800",
                    city="Kongens Lyngby",
                    effective_on=today,
                )
                for n, pk in enumerate(ids)
            ),
            batch_size=BATCH,
        )
    _claims(ids, claims, claim_type, today, instance)
    Payment.objects.bulk_create(
        Payment(
            instance=instance,
            channel=PaymentChannel.BANK,
            reference=f"UPL-{n}",
            amount_ore=10_000 + n,
            received_on=today,
            note="+71<000000000000000+81234567<",
        )
        for n in range(300)
    )
    user = User.objects.create_user("sidetider", password=PASSWORD, is_staff=True)
    user.is_superuser = True
    user.save()
    return time.perf_counter() - started


def _claims(account_ids, claims, claim_type, today, instance) -> None:
    """``claims`` claims round-robin over the accounts; invoices, reminders, payments and
    hand-overs by account number."""
    from django.db import transaction

    from bibdebitor.debtor.models import (
        ClaimEntry,
        ClaimOrigin,
        DebtorClaim,
        Document,
        DocumentKind,
        EntryKind,
        InvoiceLine,
    )

    per_account = max(1, claims // len(account_ids))
    made = 0
    step = max(1, BATCH // per_account)
    for start in range(0, len(account_ids), step):
        chunk = account_ids[start : start + step]
        with transaction.atomic():
            rows = [
                DebtorClaim(
                    account_id=pk,
                    origin=ClaimOrigin.LIBRARY,
                    claim_id=f"C-{pk}-{k}",
                    claim_type_uuid=claim_type,
                    payment_type="BIBGEBYR",
                    amount_ore=5_000 + (pk * 7 + k) % 20_000,
                    founded_on=today - dt.timedelta(days=(pk + k) % 300),
                    due_date=today,
                    last_timely_payment_date=today,
                    description=f"Biblioteksgebyr (nr. {pk}{k})",
                    received_on=today - dt.timedelta(days=(pk + k) % 300),
                )
                for pk in chunk
                for k in range(per_account)
            ][: claims - made]
            DebtorClaim.objects.bulk_create(rows, batch_size=BATCH)
            saved = list(
                DebtorClaim.objects.filter(account_id__in=chunk).values_list(
                    "pk", "account_id", "amount_ore"
                )
            )
            entries = [
                ClaimEntry(
                    claim_id=pk,
                    kind=EntryKind.REGISTERED,
                    amount_ore=a,
                    delta_ore=a,
                    effective_on=today,
                )
                for pk, _account, a in saved
            ]
            invoices = {
                account: Document(
                    instance=instance,
                    account_id=account,
                    kind=DocumentKind.INVOICE,
                    claim_type_uuid=claim_type,
                    channel="digital_post",
                    issued_on=today - dt.timedelta(days=40),
                    deadline=today - dt.timedelta(days=10),
                    amount_ore=0,
                )
                for account in chunk
                if account % 10
            }
            Document.objects.bulk_create(invoices.values())
            InvoiceLine.objects.bulk_create(
                InvoiceLine(invoice=invoices[account], claim_id=pk)
                for pk, account, _a in saved
                if account in invoices
            )
            Document.objects.bulk_create(
                Document(
                    instance=instance,
                    account_id=account,
                    kind=DocumentKind.REMINDER,
                    invoice=invoice,
                    claim_type_uuid=claim_type,
                    number=1,
                    channel="digital_post",
                    issued_on=today - dt.timedelta(days=5),
                    deadline=today + dt.timedelta(days=10),
                    amount_ore=0,
                )
                for account, invoice in invoices.items()
                if account % 3 == 0
            )
            for pk, account, amount in saved:
                if account in invoices and account % 5 == 0:
                    entries.append(
                        ClaimEntry(
                            claim_id=pk,
                            kind=EntryKind.PAID,
                            amount_ore=amount,
                            delta_ore=-amount,
                            effective_on=today,
                        )
                    )
                elif account in invoices and account % 20 == 1:
                    entries.append(
                        ClaimEntry(claim_id=pk, kind=EntryKind.HANDED_OVER, effective_on=today)
                    )
            ClaimEntry.objects.bulk_create(entries, batch_size=BATCH)
        made += len(rows)
        if made >= claims:
            return


def pages() -> list[tuple[str, str, str]]:
    from bibdebitor.debtor.models import DebtorClaim, Document, Liability, Payment

    base = f"/sagsbehandler/{INSTANCE}"
    claim = DebtorClaim.objects.filter(account__instance__instance_uuid=INSTANCE).order_by("pk")[
        1234
    ]
    invoice = Document.objects.filter(account=claim.account, kind="invoice").first()
    payment = Payment.objects.filter(reference="UPL-7").get()
    name = Liability.objects.get(account=claim.account).name
    found = [
        ("staff", "Forside", "/"),
        ("staff", "Overblik (instans)", f"{base}/"),
        ("staff", "Fordringer", f"{base}/fordringer/"),
        ("staff", "Fordringer, side 50", f"{base}/fordringer/?side=50"),
        ("staff", "Fordringer, søg id", f"{base}/fordringer/?q={claim.claim_id}"),
        ("staff", "Fordringer, søg navn", f"{base}/fordringer/?q={name.replace(' ', '+')}"),
        ("staff", "Fordringer, åbne", f"{base}/fordringer/?tilstand=open"),
        ("staff", "Fordringer, overdraget", f"{base}/fordringer/?inddrivelse=ja"),
        ("staff", "Fordringer, største", f"{base}/fordringer/?sortering=beloeb"),
        ("staff", "Fordring", f"{base}/fordring/{claim.claim_id}/"),
        (
            "staff",
            "Placér indbetaling, søg",
            f"{base}/indbetaling/{payment.pk}/?q={name.replace(' ', '+')}",
        ),
        (
            "staff",
            "Placér indbetaling, fordeling",
            f"{base}/indbetaling/{payment.pk}/?konto={claim.account_id}",
        ),
    ]
    if invoice is not None:
        found += [
            ("staff", "Brev (side)", f"{base}/brev/{invoice.pk}/"),
            ("staff", "Brev (PDF, dannes)", f"{base}/brev/{invoice.pk}/pdf/"),
            ("citizen", "Betalingsoverblik", f"/betalingsoverblik/{INSTANCE}/"),
        ]
    return found


def clients():
    from django.test import Client

    from bibdebitor.debtor.models import DebtorClaim, Liability

    staff = staff_client("sidetider")
    claim = DebtorClaim.objects.filter(account__instance__instance_uuid=INSTANCE).order_by("pk")[
        1234
    ]
    cpr = Liability.objects.get(account=claim.account).cpr
    from django.conf import settings

    citizen = Client(HTTP_HOST="127.0.0.1")
    signed_in = citizen.post(
        f"/betalingsoverblik/{INSTANCE}/log-ind/",
        {"cpr": cpr, "code": settings.BIBDEBITOR_MITID_CODE},
    )
    assert signed_in.status_code == 302, signed_in.status_code
    return {"staff": staff, "citizen": citizen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10, help="timed requests per page")
    parser.add_argument("--data-dir", type=Path, help="keep the seeded database here")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/debtor_pages.json"))
    args = parser.parse_args()
    process_django("debtor", args.data_dir, "bibdebitor-debtor-pages-")
    from django.db import connection

    seed_seconds = seed(args.accounts, args.claims)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    by_role = clients()
    rows = []
    for role, name, path in pages():
        rows.append(page_row(by_role[role], role, name, path, args.requests))
    publish(
        {
            "benchmark": "debtor_pages",
            "database": connection.vendor,
            "claims": args.claims,
            "accounts": args.accounts,
            "requests_per_page": args.requests,
            "seed_seconds": round(seed_seconds, 1),
            "pages": rows,
            "over_target": [r["page"] for r in rows if r["p95_ms"] > TARGET_SECONDS * 1000],
        },
        args.json,
    )


if __name__ == "__main__":
    sys.exit(main())
