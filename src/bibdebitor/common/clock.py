"""The library side's clock. Services ask it for today instead of the wall clock, so a test
can say which day it is (``with clock.at(day): …``) and no test depends on the date it runs
on. The debtor system has its own, movable clock (``debtor/clock.py``)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_fixed: ContextVar[dt.datetime | None] = ContextVar("bibdebitor_clock", default=None)


def now() -> dt.datetime:
    return _fixed.get() or timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def at(moment: dt.date | dt.datetime) -> Iterator[None]:
    """Within the block it is ``moment`` (a day: its noon, local time)."""
    if not isinstance(moment, dt.datetime):
        moment = timezone.make_aware(dt.datetime.combine(moment, dt.time(12)))
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
