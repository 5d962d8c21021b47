"""Dates as Danish staff and files write them."""

from __future__ import annotations

import datetime as dt
import re

from bibdebitor.domain.errors import DomainError, gettext_noop

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DANISH = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")


class DateError(DomainError):
    pass


def parse_date(text: str) -> dt.date:
    """``2024-03-01``, ``01-03-2024``, ``1.3.2024`` or ``01/03/2024`` (day first)."""
    value = (text or "").strip()
    if match := _ISO.match(value):
        year, month, day = match.groups()
    elif match := _DANISH.match(value):
        day, month, year = match.groups()
    else:
        raise DateError(
            "date_format", gettext_noop("The date must be written as DD-MM-YYYY or YYYY-MM-DD.")
        )
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(
            "date_invalid", gettext_noop("The date does not exist in the calendar.")
        ) from None


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``; someone born on 29 February turns a year older on 1 March."""
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))
