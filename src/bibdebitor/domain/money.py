"""Money is integer øre. Parsing and formatting of Danish kroner amounts; never floats."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bibdebitor.domain.errors import DomainError, gettext_noop

ORE_PER_KRONE = 100

_DANISH = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d{1,2})?$|^-?\d+(,\d{1,2})?$")
_PLAIN = re.compile(r"^-?\d+(\.\d{1,2})?$")


class AmountError(DomainError):
    pass


def parse_kroner(text: str) -> int:
    """``"1.234,50"``, ``"1234,5"``, ``"1234.50"`` or ``"125 kr."`` -> øre.

    A dot followed by exactly three digits is a thousands separator (Danish style); a dot
    followed by one or two digits is a decimal point. Anything else is refused.
    """
    cleaned = (text or "").strip().removesuffix(".").removesuffix("kr").strip()
    cleaned = cleaned.removeprefix("kr.").strip().replace(" ", "").replace("\u00a0", "")
    if _DANISH.match(cleaned):
        normal = cleaned.replace(".", "").replace(",", ".")
    elif _PLAIN.match(cleaned):
        normal = cleaned
    else:
        raise AmountError(
            "amount_format", gettext_noop("The amount is not a number of kroner, e.g. 125,50.")
        )
    try:
        ore = Decimal(normal) * ORE_PER_KRONE
    except InvalidOperation:  # pragma: no cover - the patterns above admit only decimals
        raise AmountError("amount_format", gettext_noop("The amount is not a number.")) from None
    return int(ore)


def parse_claim_amount(text: str) -> int:
    """A claim's amount: kroner as ``parse_kroner`` reads them, more than 0 kr."""
    amount = parse_kroner(text)
    if amount <= 0:
        raise AmountError("zero_amount", gettext_noop("A claim must be for more than 0 kr."))
    return amount


def format_count(number: int) -> str:
    """A count with Danish grouping: 12345 -> ``"12.345"``."""
    return f"{number:,}".replace(",", ".")


def format_kroner(ore: int, *, unit: bool = True) -> str:
    """øre -> ``"1.234,50 kr."`` (Danish grouping and decimal comma)."""
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(ore), ORE_PER_KRONE)
    text = f"{sign}{kroner:,}".replace(",", ".") + f",{rest:02d}"
    return f"{text} kr." if unit else text
