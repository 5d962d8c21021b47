"""The figures behind the dashboard: hand-overs and coverage per day, the open amount by
state and claim type, open error tasks by cause, and how long coverage takes to arrive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bibdebitor.ledger.models import Agency, Claim, ClaimEvent, ClaimKind, EventKind
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


def _events(agency: Agency | None):
    events = ClaimEvent.objects.all()
    return events.filter(claim__agency=agency) if agency else events


# What an event's amount is, per kind shown per day: an acceptance carries no amount of its
# own (the claim's amount is what was handed over); a coverage carries what was paid.
AMOUNT_OF = {EventKind.ACCEPTED: "claim__amount_ore", EventKind.COVERED: "amount_ore"}


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _per_day(agency: Agency | None, kind: str, days: list[dt.date]) -> tuple[list[int], list[int]]:
    since = _start_of(days[0])
    rows = (
        _events(agency)
        .filter(kind=kind, recorded_at__gte=since)
        .annotate(day=TruncDate("recorded_at"))
        .values("day")
        .annotate(n=Count("id"), ore=Sum(AMOUNT_OF[kind]))
    )
    found = {row["day"]: (row["n"], int(row["ore"] or 0)) for row in rows}
    return [found.get(d, (0, 0))[0] for d in days], [found.get(d, (0, 0))[1] for d in days]


def _open_by_state(agency: Agency | None) -> list[tuple[str, int]]:
    claims = Claim.objects.filter(agency=agency) if agency else Claim.objects.all()
    accepted = ClaimEvent.objects.filter(claim=OuterRef("pk"), kind=EventKind.ACCEPTED)
    rows = (
        claims.annotate(sent=Exists(accepted))
        .values("kind", "sent")
        .annotate(open_ore=Sum("events__delta_ore"))
        .order_by("kind", "sent")
    )
    labels = dict(ClaimKind.choices)
    result = []
    for row in rows:
        where = _("at the debtor system") if row["sent"] else _("at the library")
        result.append((f"{labels.get(row['kind'], row['kind'])}, {where}", row["open_ore"] or 0))
    return result


def _tasks_by_cause(agency: Agency | None) -> list[tuple[str, int]]:
    tasks = ErrorTask.objects.filter(resolution__isnull=True)
    if agency:
        tasks = tasks.filter(agency=agency)
    rows = tasks.values("code").annotate(n=Count("id")).order_by("-n", "code")
    return [(row["code"], row["n"]) for row in rows]


def _coverage_delay(agency: Agency | None, since: dt.datetime) -> list[tuple[str, int]]:
    """Coverage received in the dashboard's days, by how long after the payment."""
    covered = (
        _events(agency)
        .filter(kind=EventKind.COVERED, recorded_at__gte=since)
        .annotate(paid=TruncDate("occurred_at"), received=TruncDate("recorded_at"))
    )
    counts = [0] * len(DELAY_BUCKETS)
    for paid, received in covered.values_list("paid", "received").iterator():
        days = (received - paid).days
        counts[
            next(i for i, (top, _l) in enumerate(DELAY_BUCKETS) if top is None or days <= top)
        ] += 1
    return [(str(label), n) for (_t, label), n in zip(DELAY_BUCKETS, counts, strict=True)]


def dashboard(agency: Agency | None = None, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
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
        _coverage_delay(agency, _start_of(days[0])),
    )
