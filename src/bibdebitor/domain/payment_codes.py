"""FI payment code lines (indbetalingskort, kortart 71): ``+71<payment id+creditor<``.

The payment id is 15 digits, the last a modulus-10 (Luhn) check digit; the creditor number
(kreditornummer) is 8 digits starting with 8 (see ../shared/reference/prisme-and-standards.md,
B.1). Pure Python, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import luhn

from bibdebitor.domain.errors import DomainError, gettext_noop

CARD_TYPE = "71"
PAYMENT_ID_DIGITS = 15
_LINE = re.compile(r"^[+>]\s*(\d{2})\s*<\s*(\d+)\s*\+\s*(\d+)\s*<$")


class PaymentCodeError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class CodeLine:
    payment_id: str
    creditor: str

    def __str__(self) -> str:
        return f"+{CARD_TYPE}<{self.payment_id}+{self.creditor}<"

    @property
    def reference(self) -> int:
        """The number the payment id was made from (without its check digit)."""
        return int(self.payment_id[:-1])


def check_creditor(creditor: str) -> str:
    if not re.fullmatch(r"8\d{7}", creditor):
        raise PaymentCodeError(
            "creditor_number",
            gettext_noop("A creditor number is 8 digits and starts with 8."),
        )
    return creditor


def payment_id(reference: int) -> str:
    """The 15-digit payment id for a reference number: 14 digits and a Luhn check digit."""
    if not 0 < reference < 10 ** (PAYMENT_ID_DIGITS - 1):
        raise PaymentCodeError(
            "payment_reference", gettext_noop("The payment reference must be 1 to 14 digits.")
        )
    digits = f"{reference:0{PAYMENT_ID_DIGITS - 1}d}"
    return digits + luhn.calc_check_digit(digits)


def code_line(reference: int, creditor: str) -> CodeLine:
    return CodeLine(payment_id(reference), check_creditor(creditor))


def parse_code_line(text: str) -> CodeLine:
    """A code line as printed or keyed (``+71<…+…<``, also ``>71<…``, spaces allowed)."""
    match = _LINE.match(text.strip())
    if match is None:
        raise PaymentCodeError(
            "code_line_format", gettext_noop("That is not an FI code line (+71<…+…<).")
        )
    card_type, number, creditor = match.groups()
    if card_type != CARD_TYPE:
        raise PaymentCodeError(
            "code_line_card_type", gettext_noop("Only FI card type 71 is used for these claims.")
        )
    if len(number) != PAYMENT_ID_DIGITS or not luhn.is_valid(number):
        raise PaymentCodeError(
            "code_line_check_digit",
            gettext_noop("The payment id is not 15 digits with a valid check digit."),
        )
    return CodeLine(number, check_creditor(creditor))
