"""The figures behind the dashboard: hand-overs and coverage per day, the open amount by
state and claim type, open error tasks by cause, and how long coverage takes to arrive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bibdebitor.common import clock
from bibdebitor.domain.claims import EventKind
from bibdebitor.ledger.models import CLAIM_KIND_TITLES, Agency, ClaimEvent
from bibdebitor.transfer.models import ErrorTask

DAYS = 30
# How long after the payment day the library learned of it (upper limits in days).
DELAY_BUCKETS = (
    (0, gettext_lazy("same day")),
    (1, gettext_lazy("1 day")),
    (3, gettext_lazy("2–3 days")),
    (7, gettext_lazy("4–7 days")),
    (None, gettext_lazy("more than 7 days")),
)


@dataclass(frozen=True, slots=True)
class Dashboard:
    days: list[str]
    handed_over: list[int]
    covered: list[int]
    handed_over_ore: list[int]
    covered_ore: list[int]
    open_by_state: list[tuple[str, int]]
    tasks_by_cause: list[tuple[str, int]]
    coverage_delay: list[tuple[str, int]]


def _events(agency: Agency | None) -> QuerySet[ClaimEvent]:
    events = ClaimEvent.objects.all()
    return events.filter(claim__agency=agency) if agency else events


# What an event's amount is, per kind shown per day: an acceptance carries no amount of its
# own (the claim's amount is what was handed over); a coverage carries what was paid.
AMOUNT_OF = {EventKind.ACCEPTED: "claim__amount_ore", EventKind.COVERED: "amount_ore"}


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _per_day(
    agency: Agency | None, kind: EventKind, days: list[dt.date]
) -> tuple[list[int], list[int]]:
    """Count and amount per Danish calendar day, one range of the (kind, recorded_at) index
    per day: no date conversion per row (on a cut-over day that is every claim handed over)."""
    counts, amounts = [], []
    events = _events(agency).filter(kind=kind)
    for day in days:
        found = events.filter(
            recorded_at__gte=_start_of(day), recorded_at__lt=_start_of(day + dt.timedelta(days=1))
        ).aggregate(n=Count("id"), ore=Sum(AMOUNT_OF[kind]))
        counts.append(found["n"])
        amounts.append(int(found["ore"] or 0))  # PostgreSQL sums bigints as numeric
    return counts, amounts


def _open_by_state(agency: Agency | None) -> list[tuple[str, int]]:
    # Only the events that move a balance (creation, payment, write-off, cancellation):
    # fewer than half the journal's rows, each asked once whether its claim was accepted.
    accepted = ClaimEvent.objects.filter(claim=OuterRef("claim"), kind=EventKind.ACCEPTED)
    rows = (
        _events(agency)
        .exclude(delta_ore=0)
        .annotate(sent=Exists(accepted))
        .values("claim__kind", "sent")
        .annotate(open_ore=Sum("delta_ore"))
        .order_by("claim__kind", "sent")
    )
    labels = {kind.value: title for kind, title in CLAIM_KIND_TITLES.items()}  # by the column
    result = []
    for row in rows:
        where = _("at the debtor system") if row["sent"] else _("at the library")
        kind = labels.get(row["claim__kind"], row["claim__kind"])
        result.append((f"{kind}, {where}", int(row["open_ore"] or 0)))
    return result


def _tasks_by_cause(agency: Agency | None) -> list[tuple[str, int]]:
    tasks = ErrorTask.objects.filter(resolution__isnull=True)
    if agency:
        tasks = tasks.filter(agency=agency)
    rows = tasks.values("code").annotate(n=Count("id")).order_by("-n", "code")
    return [(row["code"], row["n"]) for row in rows]


def _paid_within(received: dt.date) -> list[Q]:
    """For coverage received on ``received``: one condition on the payment time per delay
    bucket (days late in (previous top, top])."""
    conditions, latest = [], _start_of(received + dt.timedelta(days=1))
    for top, _label in DELAY_BUCKETS:
        if top is None:
            conditions.append(Q(occurred_at__lt=latest))
            break
        earliest = _start_of(received - dt.timedelta(days=top))
        conditions.append(Q(occurred_at__gte=earliest, occurred_at__lt=latest))
        latest = earliest
    return conditions


def _coverage_delay(agency: Agency | None, days: list[dt.date]) -> list[tuple[str, int]]:
    """Coverage received in the dashboard's days, by how long after the payment: per day
    received, a range of the (kind, recorded_at) index counted per delay bucket."""
    counts = [0] * len(DELAY_BUCKETS)
    covered = _events(agency).filter(kind=EventKind.COVERED)
    for day in days:
        found = covered.filter(
            recorded_at__gte=_start_of(day), recorded_at__lt=_start_of(day + dt.timedelta(days=1))
        ).aggregate(**{f"b{i}": Count("id", filter=q) for i, q in enumerate(_paid_within(day))})
        for index in range(len(DELAY_BUCKETS)):
            counts[index] += found[f"b{index}"]
    return [(str(label), n) for (_t, label), n in zip(DELAY_BUCKETS, counts, strict=True)]


def dashboard(agency: Agency | None = None, today: dt.date | None = None) -> Dashboard:
    today = today or clock.today()
    days = [today - dt.timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    handed, handed_ore = _per_day(agency, EventKind.ACCEPTED, days)
    covered, covered_ore = _per_day(agency, EventKind.COVERED, days)
    return Dashboard(
        [f"{d.day}/{d.month}" for d in days],  # Danish short day: 1/12
        handed,
        covered,
        handed_ore,
        covered_ore,
        _open_by_state(agency),
        _tasks_by_cause(agency),
        _coverage_delay(agency, days),
    )
