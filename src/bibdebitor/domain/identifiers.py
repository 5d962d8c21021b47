"""Danish identifiers: CPR, substitute CPR (erstatningsCPR), CVR, P-number and EAN/GLN.

Pure Python, no Django. Errors carry a stable code and a message that never repeats the
number itself, so they are safe to show, log or return from an API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from stdnum import ean
from stdnum.dk import cpr as stdnum_cpr
from stdnum.dk import cvr as stdnum_cvr
from stdnum.exceptions import ValidationError as StdnumError

from bibdebitor.domain.errors import DomainError, gettext_noop

CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
SUBSTITUTE_DAY_OFFSET = 60
# P-numbers issued up to this value were generated with other weights (an early generator bug).
P_NUMBER_LEGACY_LIMIT = 1006959421
P_NUMBER_LEGACY_WEIGHTS = (1, 5, 6, 7, 3, 6, 4, 8, 9, 1)


class IdentifierError(DomainError):
    pass


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"


class IdentifierWarning(StrEnum):
    """Findings that do not make a number invalid but that staff or a vendor may care about."""

    CPR_NO_MODULUS11 = "cpr_no_modulus11"
    P_NUMBER_CHECK_DIGIT = "p_number_check_digit"


@dataclass(frozen=True, slots=True)
class Cpr:
    """A parsed CPR number (real or substitute)."""

    number: str  # 10 digits, no separator
    birth_date: dt.date
    gender: Gender
    is_substitute: bool
    passes_modulus11: bool

    @property
    def warnings(self) -> tuple[IdentifierWarning, ...]:
        return () if self.passes_modulus11 else (IdentifierWarning.CPR_NO_MODULUS11,)

    @property
    def formatted(self) -> str:
        return f"{self.number[:6]}-{self.number[6:]}"

    @property
    def masked(self) -> str:
        return mask_cpr(self.number)

    def __repr__(self) -> str:  # keeps the number out of tracebacks and debug output
        return f"Cpr({self.masked}, substitute={self.is_substitute})"


def _digits(value: str, length: int, code: str, message: str) -> str:
    compact = stdnum_cpr.compact(value or "")
    if not compact.isdigit() or len(compact) != length:
        raise IdentifierError(code, message)
    return compact


def passes_modulus11(number: str) -> bool:
    return stdnum_cpr.checksum(number) == 0


def is_substitute_cpr(cpr: str) -> bool:
    """A day field of 61-91 marks a substitute CPR (the day of birth + 60, CPR-kontoret)."""
    return bool(cpr) and int(cpr[:2]) > SUBSTITUTE_DAY_OFFSET


def parse_cpr(value: str, *, today: dt.date | None = None) -> Cpr:
    """Parse a CPR number or substitute CPR (``DDMMYY-SSSS`` or 10 digits).

    Checks format, a real calendar date, the century from the 7th digit and that the person
    is born. Modulus 11 is only a warning: numbers without it have been issued since 2007.
    A day field of 61-91 marks a substitute CPR (the day of birth + 60).
    """
    number = _digits(value, 10, "cpr_format", gettext_noop("A CPR number must be 10 digits."))
    day = int(number[:2])
    is_substitute = is_substitute_cpr(number)
    real_day = day - SUBSTITUTE_DAY_OFFSET if is_substitute else day
    try:
        birth_date = stdnum_cpr.get_birth_date(f"{real_day:02d}{number[2:]}")
    except StdnumError:
        raise IdentifierError(
            "cpr_date", gettext_noop("The CPR number does not contain a real date.")
        ) from None
    if birth_date > (today or dt.date.today()):
        raise IdentifierError(
            "cpr_future", gettext_noop("The CPR number's date of birth is in the future.")
        )
    return Cpr(
        number=number,
        birth_date=birth_date,
        gender=Gender.FEMALE if int(number[9]) % 2 == 0 else Gender.MALE,
        is_substitute=is_substitute,
        passes_modulus11=passes_modulus11(number),
    )


def mask_cpr(number: str) -> str:
    """``0101901234`` -> ``010190-XXXX``: the date part stays readable for staff."""
    compact = stdnum_cpr.compact(number or "")
    if len(compact) < 6:
        return "XXXXXX-XXXX"
    return f"{compact[:6]}-XXXX"


def century_digits(year: int) -> str:
    """7th-digit values that place a two-digit year in ``year``'s century (CPR century table)."""
    yy = year % 100
    if 1900 <= year <= 1999:
        return "0123" + ("49" if yy >= 37 else "")
    if 2000 <= year <= 2036:
        return "495678"
    if 2037 <= year <= 2057:
        return "5678"
    if 1858 <= year <= 1899:
        return "5678"
    raise IdentifierError("cpr_century", gettext_noop("No CPR century covers that year of birth."))


def substitute_cpr_candidates(birth_date: dt.date, gender: Gender | None) -> Iterator[str]:
    """Every substitute CPR for a birth date and gender (None: unknown, either parity),
    modulus-11-valid ones first, because some debtor systems still enforce it."""
    prefix = f"{birth_date.day + SUBSTITUTE_DAY_OFFSET:02d}{birth_date:%m%y}"
    last_digits = range(10) if gender is None else range(gender is Gender.MALE, 10, 2)
    numbers = [
        f"{prefix}{century}{serial:02d}{last}"
        for century in century_digits(birth_date.year)
        for serial in range(100)
        for last in last_digits
    ]
    yield from (n for n in numbers if passes_modulus11(n))
    yield from (n for n in numbers if not passes_modulus11(n))


def generate_substitute_cpr(
    birth_date: dt.date, gender: Gender | None, is_taken: Callable[[str], bool]
) -> str:
    """The first free substitute CPR for this birth date and gender."""
    for candidate in substitute_cpr_candidates(birth_date, gender):
        if not is_taken(candidate):
            return candidate
    raise IdentifierError(
        "cpr_exhausted", gettext_noop("No free substitute CPR number for that birth date.")
    )


def parse_cvr(value: str) -> str:
    """A CVR number: 8 digits, no leading zero, modulus 11 (weights 2,7,6,5,4,3,2,1)."""
    number = _digits(
        stdnum_cvr.compact(value or ""),
        8,
        "cvr_format",
        gettext_noop("A CVR number must be 8 digits."),
    )
    try:
        return stdnum_cvr.validate(number)
    except StdnumError:
        raise IdentifierError(
            "cvr_check", gettext_noop("The CVR number's check digit is wrong.")
        ) from None


@dataclass(frozen=True, slots=True)
class PNumber:
    number: str
    passes_check: bool

    @property
    def warnings(self) -> tuple[IdentifierWarning, ...]:
        return () if self.passes_check else (IdentifierWarning.P_NUMBER_CHECK_DIGIT,)


def p_number_check(number: str) -> bool:
    """Modulus 11 with the weight set that was used when the number was issued."""
    weights = P_NUMBER_LEGACY_WEIGHTS if int(number) <= P_NUMBER_LEGACY_LIMIT else CPR_WEIGHTS
    return sum(w * int(d) for w, d in zip(weights, number, strict=True)) % 11 == 0


def parse_p_number(value: str) -> PNumber:
    """A P-number (production unit): 10 digits. A failing check digit is only a warning,
    because the public rules for the older series are not fully documented."""
    number = _digits(value, 10, "p_number_format", gettext_noop("A P-number must be 10 digits."))
    return PNumber(number=number, passes_check=p_number_check(number))


def parse_gln(value: str) -> str:
    """An EAN location number (GLN): exactly 13 digits with a GS1 check digit."""
    number = _digits(value, 13, "gln_format", gettext_noop("An EAN/GLN number must be 13 digits."))
    try:
        return ean.validate(number)
    except StdnumError:
        raise IdentifierError(
            "gln_check", gettext_noop("The EAN/GLN number's check digit is wrong.")
        ) from None
