"""Read-side queries of the debtor system: balances summed from the journals, who is liable."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

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
    InvoiceLine,
    Liability,
    SubscribedClass,
)
from bibdebitor.domain.collection import Channel, channel_for
from bibdebitor.domain.dates import age_on
from bibdebitor.domain.identifiers import IdentifierError, is_substitute_cpr, parse_cpr

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
    latest = account.liabilities.order_by("-id").first()
    if latest is None:  # an account is made together with its liable party (receiver)
        raise Liability.DoesNotExist(f"account {account.reference} has no liable party")
    return latest


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
        pay_by = max(letter.due_by for letter in letters)
        rows.append(OpenInvoice(invoice, sum(balances[c.pk] for c in mine), pay_by, mine))
    return rows


# --- finding claims (the clerk's claim list) ------------------------------------------------


class ClaimState(models.TextChoices):
    OPEN = "open", _("open")
    SETTLED = "settled", _("paid or closed")


CLAIM_ORDERS = {
    # Claims are numbered as they arrive: the newest are read backwards off the primary key.
    "nyeste": ("-id",),
    "aeldste": ("id",),
    "beloeb": ("-amount_ore", "-id"),
    "id": ("claim_id", "id"),
}


@dataclass(frozen=True, slots=True)
class ClaimQuery:
    """What the clerk searches for; every part optional. A CPR number arrives only by POST."""

    text: str = ""
    cpr: str = ""
    state: str = ""
    origin: str = ""
    claim_type: uuid.UUID | None = None
    account_type: uuid.UUID | None = None
    handed_over: bool | None = None
    manual: bool | None = None
    order: str = "nyeste"


def find_claims(instance: Instance, query: ClaimQuery) -> QuerySet[DebtorClaim]:
    """The instance's claims matching ``query``, their accounts fetched for the rows read.

    Made for a million claims read a page at a time, newest first: no join (the account and
    its instance are subqueries, else SQLite drives the query from the accounts and sorts
    every claim), and a state filter asks each claim's own journal through its index as the
    claims are read, so a page costs its own rows (``CappedPaginator`` counts few more). A
    page's balances are read after (``open_balances``, ``handed_over_claims``)."""
    found = DebtorClaim.objects.filter(account_id__in=_accounts(instance))
    if text := query.text.strip():
        found = found.filter(_text_matches(instance, text))
    if query.cpr:
        found = found.filter(account__in=_accounts_liable(instance, Q(cpr=query.cpr)))
    if query.state == ClaimState.OPEN:
        found = found.alias(balance=_balance()).filter(balance__gt=0)
    elif query.state == ClaimState.SETTLED:
        found = found.alias(balance=_balance()).filter(balance__lte=0)
    if query.origin:
        found = found.filter(origin=query.origin)
    if query.claim_type:
        found = found.filter(claim_type_uuid=query.claim_type)
    if query.account_type:
        found = found.filter(
            account_id__in=_accounts(instance, account_type_uuid=query.account_type)
        )
    handed_over = ClaimEntry.objects.filter(kind=EntryKind.HANDED_OVER).values("claim")
    if query.handed_over is True:
        found = found.filter(pk__in=handed_over)
    elif query.handed_over is False:
        found = found.exclude(pk__in=handed_over)
    if query.manual is not None:
        found = found.filter(account_id__in=_accounts(instance, manual=query.manual))
    order = CLAIM_ORDERS.get(query.order, CLAIM_ORDERS["nyeste"])
    return found.prefetch_related("account").order_by(*order)


class _Pk(TypedDict):
    pk: int


def _accounts(instance: Instance, **where: object) -> QuerySet[Account, _Pk]:
    """The pks of the instance's accounts matching ``where``, as a subquery."""
    return Account.objects.filter(instance=instance, **where).values("pk")


def _balance() -> Subquery:
    """The claim's open balance, from its own journal."""
    entries = ClaimEntry.objects.filter(claim=OuterRef("pk")).order_by().values("claim")
    return Subquery(entries.annotate(total=Sum("delta_ore")).values("total"))


def _text_matches(instance: Instance, text: str) -> Q:
    """A claim id, an invoice number, an account reference or (part of) the debtor's name:
    the claims found by the first two and the accounts by the last two, each one subquery
    (an OR across a join would read every claim)."""
    claims = Q(pk__in=DebtorClaim.objects.filter(claim_id=text).values("pk"))
    if text.isdigit():
        claims |= Q(pk__in=InvoiceLine.objects.filter(invoice_id=int(text)).values("claim_id"))
    accounts = Account.objects.filter(
        Q(instance=instance, reference=text)
        | Q(pk__in=_accounts_liable(instance, Q(name__icontains=text)))
    )
    return claims | Q(account_id__in=accounts.values("pk"))


def _accounts_liable(instance: Instance, who: Q) -> QuerySet[Account]:
    """Accounts whose current liable party matches ``who`` (the latest liability row)."""
    latest = Liability.objects.filter(account=OuterRef("account")).order_by("-id").values("pk")[:1]
    current = Liability.objects.filter(account__instance=instance).filter(pk=Subquery(latest))
    return Account.objects.filter(pk__in=current.filter(who).values("account"))


def current_liabilities(accounts: Iterable[Account]) -> dict[int, Liability]:
    """The liable party now of each account (by account pk), in one query."""
    latest: dict[int, Liability] = {}
    for row in Liability.objects.filter(account__in=list(accounts)).order_by("id"):
        latest[row.account_id] = row
    return latest


def class_titles(instance: Instance, facet: str) -> dict[uuid.UUID, str]:
    """The titles of the subscribed sortiment's classes of one facet, by class UUID."""
    rows = SubscribedClass.objects.filter(subscription__instance=instance, facet=facet)
    return {row.class_uuid: row.title for row in rows.order_by("title")}


def claims_of_party(claim: DebtorClaim) -> QuerySet[DebtorClaim]:
    """The other claims of the claim's liable party at the same instance (any account)."""
    party = liable_party(claim.account)
    if party is None:
        return DebtorClaim.objects.none()
    who = Q(cvr=party.cvr) if party.cvr else Q(cpr=party.cpr)
    accounts = _accounts_liable(claim.account.instance, who)
    return (
        DebtorClaim.objects.filter(account__in=accounts)
        .exclude(pk=claim.pk)
        .select_related("account")
        .order_by("-received_at", "-id")
    )
