"""Reads of the ledger. Balances are sums over the journal's ``delta_ore``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from bibdebitor.domain.claims import HANDED_OVER, ClaimState, Event, TransferStatus, fold
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


@dataclass(frozen=True, slots=True)
class JournalSummary:
    """A claim's journal summed up in SQL (no fold): for lists over many claims."""

    claim_id: int
    open: int
    covered: int  # net of reversals
    written_off: int
    cancelled: bool
    transfer: TransferStatus
    last_covered_at: dt.datetime | None

    @property
    def is_transferred(self) -> bool:
        return self.transfer in HANDED_OVER


def _count(kind: str) -> Count:
    return Count("id", filter=Q(kind=kind))


def _sum(kind: str) -> Coalesce:
    return Coalesce(Sum("amount_ore", filter=Q(kind=kind)), 0)


def journal_summaries(
    events: QuerySet[ClaimEvent], *fields: str, transferred_only: bool = False
) -> Iterator[tuple[JournalSummary, ...]]:
    """One summary per claim among ``events``, followed by the values of ``fields`` (e.g.
    ``claim__claim_number``). ``transferred_only`` keeps claims ever queued for hand-over."""
    rows = (
        events.values("claim_id", *fields)
        .annotate(
            queued=_count(DomainEventKind.QUEUED),
            accepted=_count(DomainEventKind.ACCEPTED),
            rejected=_count(DomainEventKind.REJECTED),
            cancels=_count(DomainEventKind.CANCELLED),
            reopens=_count(DomainEventKind.REOPENED),
            balance=Sum("delta_ore"),
            covered=_sum(DomainEventKind.COVERED),
            reversed=_sum(DomainEventKind.COVERAGE_REVERSED),
            written_off=_sum(DomainEventKind.WRITTEN_OFF),
            last_covered_at=Max("occurred_at", filter=Q(kind=DomainEventKind.COVERED)),
        )
        .order_by()
    )
    if transferred_only:
        rows = rows.filter(queued__gt=0)
    names = (
        "claim_id",
        *fields,
        "queued",
        "accepted",
        "rejected",
        "cancels",
        "reopens",
        "balance",
        "covered",
        "reversed",
        "written_off",
        "last_covered_at",
    )
    for claim_id, *rest in rows.values_list(*names):
        extra, sums = rest[: len(fields)], rest[len(fields) :]
        queued, accepted, rejected, cancels, reopens, balance, covered, back, off, paid_at = sums
        summary = JournalSummary(
            claim_id=claim_id,
            open=balance or 0,
            covered=covered - back,
            written_off=off,
            cancelled=cancels > reopens,
            transfer=_transfer_status(queued, accepted, rejected),
            last_covered_at=paid_at,
        )
        yield (summary, *extra)


def _transfer_status(queued: int, accepted: int, rejected: int) -> TransferStatus:
    # Accepted is final; a refused claim is queued again only when staff retry it.
    if accepted:
        return TransferStatus.ACCEPTED
    if not queued:
        return TransferStatus.AT_LIBRARY
    if rejected >= queued:
        return TransferStatus.REJECTED
    return TransferStatus.QUEUED
