"""Read-side queries of the debtor system: balances summed from the journals, who is liable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from bibdebitor.debtor.models import (
    Account,
    ClaimEntry,
    CreditEntry,
    DebtorClaim,
    DigitalPostExemption,
    Document,
    DocumentKind,
    EntryKind,
    Instance,
    Liability,
)
from bibdebitor.domain.classification import is_substitute_cpr
from bibdebitor.domain.collection import Channel, channel_for
from bibdebitor.domain.dates import age_on
from bibdebitor.domain.identifiers import IdentifierError, parse_cpr

ADULT_AGE = 18


def open_balances(claims: QuerySet[DebtorClaim]) -> dict[int, int]:
    """Open amount per claim (pk), summed from the journal in one query."""
    rows = (
        ClaimEntry.objects.filter(claim__in=claims)
        .values("claim_id")
        .annotate(open_ore=Sum("delta_ore"))
        .values_list("claim_id", "open_ore")
    )
    return dict(rows)


def handed_over_claims(claims: QuerySet[DebtorClaim]) -> set[int]:
    return set(
        ClaimEntry.objects.filter(claim__in=claims, kind=EntryKind.HANDED_OVER).values_list(
            "claim_id", flat=True
        )
    )


def credit_of(account: Account) -> int:
    total = CreditEntry.objects.filter(account=account).aggregate(total=Sum("delta_ore"))["total"]
    return total or 0


def liable_party(account: Account) -> Liability:
    """Who is liable now (the latest liability row)."""
    return account.liabilities.order_by("-id").first()


@dataclass(frozen=True, slots=True)
class Debtor:
    """What the collection rules need to know about the liable party on a given day."""

    is_company: bool
    is_minor: bool
    has_substitute_cpr: bool
    channel: Channel


def debtor_on(liability: Liability, day: dt.date) -> Debtor:
    if liability.cvr:
        channel = channel_for(
            is_company=True, has_gln=bool(liability.gln), is_minor=False, exempt=False
        )
        return Debtor(True, False, False, channel)
    try:
        is_minor = age_on(parse_cpr(liability.cpr, today=day).birth_date, day) < ADULT_AGE
    except IdentifierError:
        is_minor = False  # a number the library sent but we cannot read: treat as adult
    exempt = DigitalPostExemption.objects.filter(cpr=liability.cpr).exists()
    channel = channel_for(is_company=False, has_gln=False, is_minor=is_minor, exempt=exempt)
    return Debtor(False, is_minor, is_substitute_cpr(liability.cpr), channel)


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    invoice: Document
    open_ore: int
    pay_by: dt.date  # the latest deadline given (the invoice's, or its last reminder's)
    claims: tuple[DebtorClaim, ...]


def accounts_of(instance: Instance, cpr: str) -> list[Account]:
    """The accounts a CPR number is liable for now (a later liability change moves them)."""
    candidates = Account.objects.filter(instance=instance, liabilities__cpr=cpr).distinct()
    return [a for a in candidates if liable_party(a).cpr == cpr]


def open_invoices_of(instance: Instance, cpr: str) -> list[OpenInvoice]:
    accounts = accounts_of(instance, cpr)
    invoices = Document.objects.filter(
        account__in=accounts, kind=DocumentKind.INVOICE
    ).select_related("instance")
    claims = DebtorClaim.objects.filter(invoice_line__invoice__in=invoices)
    balances = open_balances(claims)
    gone = handed_over_claims(claims)
    rows: list[OpenInvoice] = []
    for invoice in invoices.order_by("issued_on", "id"):
        mine = tuple(
            c
            for c in claims.filter(invoice_line__invoice=invoice).order_by("founded_on", "id")
            if balances.get(c.pk, 0) > 0 and c.pk not in gone
        )
        if not mine:
            continue
        letters = [invoice, *invoice.follow_ups.filter(kind=DocumentKind.REMINDER)]
        pay_by = max(letter.deadline for letter in letters)
        rows.append(OpenInvoice(invoice, sum(balances[c.pk] for c in mine), pay_by, mine))
    return rows
