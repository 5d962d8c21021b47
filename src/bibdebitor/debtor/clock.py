"""The debtor system's controllable clock: real time plus an offset kept in the database, so
the server, the workers and the command line all see the same "now". A demo or a test moves
it forward to run months of invoices, reminders and hand-overs in seconds."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bibdebitor.debtor.models import ClockShift


def offset() -> dt.timedelta:
    latest = ClockShift.objects.order_by("-id").values_list("offset_seconds", flat=True).first()
    return dt.timedelta(seconds=latest or 0)


def now() -> dt.datetime:
    return timezone.now() + offset()


def today() -> dt.date:
    return timezone.localdate(now())


def set_now(moment: dt.datetime, note: str = "") -> dt.datetime:
    """Make "now" ``moment`` (it then runs on with real time)."""
    shift = moment - timezone.now()
    ClockShift.objects.create(offset_seconds=int(shift.total_seconds()), note=note[:200])
    return now()


def advance(days: int = 0, seconds: int = 0, note: str = "") -> dt.datetime:
    shift = offset() + dt.timedelta(days=days, seconds=seconds)
    ClockShift.objects.create(offset_seconds=int(shift.total_seconds()), note=note[:200])
    return now()
