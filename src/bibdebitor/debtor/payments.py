"""Money in the debtor system: payments (portal, bank file), their allocation, credits and
staff write-offs. Each booking is journal rows plus, for the library's own claims, a coverage
message back to the library, all in one transaction.

Allocation is explicit and oldest first: the items of the invoice paid (claims before the
reminder fees that followed them), or every open invoiced item of the account when no
invoice is named. What is left over becomes a credit on the account, set off against the
next invoice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from bibdebitor.common.texts import in_danish
from bibdebitor.debtor import clock, coverage
from bibdebitor.debtor.models import (
    Account,
    ClaimEntry,
    ClaimOrigin,
    CreditEntry,
    DebtorClaim,
    Document,
    DocumentKind,
    EntryKind,
    Instance,
    Payment,
    PaymentChannel,
    PaymentPlacement,
)
from bibdebitor.debtor.selectors import credit_of, handed_over_claims, open_balances
from bibdebitor.domain import actors
from bibdebitor.domain.collection import allocate
from bibdebitor.domain.dates import DateError, parse_date
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.domain.money import AmountError, parse_kroner
from bibdebitor.domain.payment_codes import PaymentCodeError, parse_code_line
from bibdebitor.protocol.messages import CoverageKind


class PaymentError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class Booking:
    payment: Payment
    allocated_ore: int
    credit_ore: int
    duplicate: bool = False


def open_items(account: Account, invoice: Document | None = None) -> list[tuple[DebtorClaim, int]]:
    """Open, invoiced, not handed-over items, oldest first, with their open amounts."""
    claims = DebtorClaim.objects.filter(account=account, invoice_line__isnull=False)
    if invoice is not None:
        claims = claims.filter(invoice_line__invoice=invoice)
    balances = open_balances(claims)
    gone = handed_over_claims(claims)
    ordered = claims.order_by("founded_on", "id")
    return [
        (c, balances.get(c.pk, 0))
        for c in ordered
        if balances.get(c.pk, 0) > 0 and c.pk not in gone
    ]


@transaction.atomic
def record_payment(
    instance: Instance,
    *,
    channel: PaymentChannel,
    reference: str,
    amount_ore: int,
    received_on: dt.date | None = None,
    invoice: Document | None = None,
    account: Account | None = None,
    note: str = "",
) -> Booking:
    """Book a payment once per (channel, reference); allocate it if we know whose it is."""
    if amount_ore <= 0:
        raise PaymentError("payment_amount", gettext_noop("A payment must be a positive amount."))
    earlier = Payment.objects.filter(
        instance=instance, channel=channel, reference=reference
    ).first()
    if earlier is not None:
        return Booking(earlier, 0, 0, duplicate=True)
    if invoice is not None:
        account = invoice.account
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                instance=instance,
                account=account,
                invoice=invoice,
                channel=channel,
                reference=reference[:64],
                amount_ore=amount_ore,
                received_on=received_on or clock.today(),
                note=note[:300],
            )
    except IntegrityError:  # the same payment booked concurrently
        earlier = Payment.objects.get(instance=instance, channel=channel, reference=reference)
        return Booking(earlier, 0, 0, duplicate=True)
    if account is None:
        return Booking(payment, 0, 0)  # unplaced: awaits staff
    return _allocate(payment, account, invoice, amount_ore)


def unplaced_payments(instance: Instance) -> QuerySet[Payment]:
    """Payments that arrived without a usable code line and no clerk has placed yet."""
    return Payment.objects.filter(
        instance=instance, account__isnull=True, placement__isnull=True
    ).order_by("-id")


@dataclass(frozen=True, slots=True)
class Allocation:
    """How an amount would be spread on an account's open items, oldest first."""

    shares: list[tuple[DebtorClaim, int]]
    credit_ore: int


def allocation_of(account: Account, invoice: Document | None, amount_ore: int) -> Allocation:
    shares, left = allocate(amount_ore, open_items(account, invoice))
    return Allocation(shares, left)


@transaction.atomic
def place_payment(
    payment: Payment, account: Account, *, invoice: Document | None = None, actor: str
) -> Booking:
    """A clerk places a payment the bank file could not match, on an account (or one of its
    invoices); allocated as any payment, and the library hears of it as for any payment."""
    if invoice is not None and invoice.account_id != account.pk:
        raise PaymentError(
            "placement_invoice", gettext_noop("The invoice does not belong to the account.")
        )
    if payment.account_id is not None or account.instance_id != payment.instance_id:
        raise PaymentError("payment_placed", gettext_noop("The payment has already been placed."))
    try:
        with transaction.atomic():
            PaymentPlacement.objects.create(
                payment=payment, account=account, invoice=invoice, actor=actors.check(actor)
            )
    except IntegrityError:  # placed already, perhaps by a colleague a moment ago
        raise PaymentError(
            "payment_placed", gettext_noop("The payment has already been placed.")
        ) from None
    return _allocate(payment, account, invoice, payment.amount_ore)


def _allocate(payment: Payment, account: Account, invoice: Document | None, amount: int) -> Booking:
    allocation = allocation_of(account, invoice, amount)
    _book_shares(payment, allocation.shares, payment.received_on)
    if allocation.credit_ore:
        CreditEntry.objects.create(
            account=account,
            payment=payment,
            delta_ore=allocation.credit_ore,
            effective_on=payment.received_on,
        )
    return Booking(payment, amount - allocation.credit_ore, allocation.credit_ore)


def _book_shares(payment: Payment, shares: list[tuple[DebtorClaim, int]], day: dt.date) -> None:
    ClaimEntry.objects.bulk_create(
        ClaimEntry(
            claim=claim,
            kind=EntryKind.PAID,
            amount_ore=share,
            delta_ore=-share,
            payment=payment,
            effective_on=day,
        )
        for claim, share in shares
    )
    for claim, share in shares:
        if claim.origin == ClaimOrigin.LIBRARY:
            coverage.enqueue(
                claim.account, CoverageKind.PAYMENT, day, claim=claim, amount_ore=share
            )


def set_off_credit(invoice: Document) -> int:
    """Use the account's credit on a new invoice; returns the amount set off."""
    account = invoice.account
    available = credit_of(account)
    if available <= 0:
        return 0
    items = open_items(account, invoice)
    if not items:
        return 0
    shares, left = allocate(available, items)
    used = available - left
    payment = Payment.objects.create(
        instance=invoice.instance,
        account=account,
        invoice=invoice,
        channel=PaymentChannel.CREDIT,
        reference=f"modregning-{invoice.pk}",
        amount_ore=used,
        received_on=invoice.issued_on,
    )
    _book_shares(payment, shares, invoice.issued_on)
    CreditEntry.objects.create(
        account=account, payment=payment, delta_ore=-used, effective_on=invoice.issued_on
    )
    return used


@transaction.atomic
def write_off(claim: DebtorClaim, amount_ore: int, note: str, actor: str) -> ClaimEntry:
    """Staff write off (part of) a claim; the library hears of it as AFSKRIVNING."""
    balance = open_balances(DebtorClaim.objects.filter(pk=claim.pk)).get(claim.pk, 0)
    if not 0 < amount_ore <= balance:
        raise PaymentError(
            "write_off_amount",
            gettext_noop("The amount must be more than 0 and at most the open balance."),
        )
    if not note.strip():
        raise PaymentError("write_off_note", gettext_noop("A write-off needs a reason."))
    day = clock.today()
    entry = ClaimEntry.objects.create(
        claim=claim,
        kind=EntryKind.WRITTEN_OFF,
        amount_ore=amount_ore,
        delta_ore=-amount_ore,
        note=note[:300],
        actor=actors.check(actor),
        effective_on=day,
    )
    if claim.origin == ClaimOrigin.LIBRARY:
        coverage.enqueue(
            claim.account,
            CoverageKind.WRITE_OFF,
            day,
            claim=claim,
            amount_ore=amount_ore,
            text=note,
        )
    return entry


# --- bank file ---------------------------------------------------------------------------

BANK_COLUMNS = ("dato", "beløb", "kodelinje", "reference")


@dataclass(slots=True)
class BankImport:
    booked: int = 0
    unplaced: int = 0
    duplicates: int = 0
    amount_ore: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, Danish text)


def import_bank_file(instance: Instance, data: bytes) -> BankImport:
    """Book a bank file: ``dato;beløb;kodelinje;reference`` (semicolons, Danish amounts).

    Each line is booked on its own (a bad line does not stop the rest) and at most once, by
    the bank's reference. A code line that names no invoice of ours is booked unplaced."""
    report = BankImport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((0, "Filen er ikke UTF-8."))
        return report
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    if reader.fieldnames is None or [f.strip().lower() for f in reader.fieldnames] != list(
        BANK_COLUMNS
    ):
        report.errors.append((1, "Kolonnerne skal være: " + ";".join(BANK_COLUMNS)))
        return report
    for number, row in enumerate(reader, start=2):
        try:
            _book_bank_line(instance, row, report)
        except (DateError, AmountError, PaymentCodeError, PaymentError) as error:
            report.errors.append((number, in_danish(error)))
    return report


def _book_bank_line(instance: Instance, row: dict[str, str], report: BankImport) -> None:
    values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
    day = parse_date(values["dato"])
    amount = parse_kroner(values["beløb"])
    reference = values["reference"]
    if not reference:
        raise PaymentError("bank_reference", gettext_noop("The line has no bank reference."))
    line = parse_code_line(values["kodelinje"])
    invoice = None
    if line.creditor == instance.creditor_number:
        invoice = Document.objects.filter(
            pk=line.reference, instance=instance, kind=DocumentKind.INVOICE
        ).first()
    booking = record_payment(
        instance,
        channel=PaymentChannel.BANK,
        reference=reference,
        amount_ore=amount,
        received_on=day,
        invoice=invoice,
        note=str(line),
    )
    if booking.duplicate:
        report.duplicates += 1
    elif invoice is None:
        report.unplaced += 1
        report.amount_ore += amount
    else:
        report.booked += 1
        report.amount_ore += amount
