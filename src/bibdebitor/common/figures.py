"""Figures summed over a whole journal (every claim of a municipality: a million rows at a
real size) are computed at most once a minute per process and shown with the time they were
counted. A claim's own balance, a citizen's fees and every list of rows stay exact: only
these overview totals wait. ``BIBDEBITOR_FIGURES_SECONDS`` sets the minute."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Counted(Generic[T]):
    value: T
    as_of: dt.datetime


def _key(key: str) -> str:
    return f"bibdebitor:figures:{key}"


def counted(key: str, compute: Callable[[], T]) -> Counted[T]:
    """The figures under ``key``, counted now or at most a minute ago."""
    found: Counted[T] | None = cache.get(_key(key))
    if found is None:
        found = remember(key, compute())
    return found


def remember(key: str, value: T) -> Counted[T]:
    """Figures just counted in full elsewhere (a page that needed every row anyway)."""
    found = Counted(value, timezone.now())
    cache.set(_key(key), found, settings.BIBDEBITOR_FIGURES_SECONDS)
    return found
