"""Reads of the ledger. Balances are sums over the journal's ``delta_ore``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from bibdebitor.domain.claims import ClaimState, Event, fold
from bibdebitor.domain.claims import EventKind as DomainEventKind
from bibdebitor.ledger.models import (
    Agency,
    Claim,
    ClaimEvent,
    ConsentKind,
    Guardian,
    GuardianConsent,
    Patron,
    PatronBlockEvent,
)


def claim_journal(claim: Claim) -> list[Event]:
    rows = claim.events.order_by("seq").values_list("kind", "amount_ore")
    return [Event(DomainEventKind(kind), amount) for kind, amount in rows]


def claim_state(claim: Claim) -> ClaimState:
    return fold(claim_journal(claim))


def claims_with_open_balance(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return claims.annotate(open_ore=Coalesce(Sum("events__delta_ore"), 0))


def patron_open_balance(patron: Patron) -> int:
    total = ClaimEvent.objects.filter(claim__patron=patron).aggregate(
        total=Coalesce(Sum("delta_ore"), 0)
    )
    return total["total"]


def patron_is_blocked(patron: Patron) -> bool:
    latest = PatronBlockEvent.objects.filter(patron=patron).order_by("-id").first()
    return bool(latest and latest.blocked)


def guardian_on(patron: Patron, day: dt.date) -> Guardian | None:
    """The guardian in force on ``day``: the latest consent event effective on or before it."""
    latest = (
        GuardianConsent.objects.filter(patron=patron, effective_on__lte=day)
        .select_related("guardian")
        .order_by("-effective_on", "-id")
        .first()
    )
    if latest is None or latest.kind != ConsentKind.GIVEN:
        return None
    return latest.guardian


def agency_overview() -> QuerySet:
    """Per agency: patrons, claims and the open amount (øre)."""
    open_total = (
        ClaimEvent.objects.filter(claim__agency=OuterRef("pk"))
        .values("claim__agency")
        .annotate(total=Sum("delta_ore"))
        .values("total")
    )
    return Agency.objects.annotate(
        patron_count=Count("patrons", distinct=True),
        claim_count=Count("claims", distinct=True),
        open_ore=Coalesce(Subquery(open_total), 0),
    ).order_by("name")
