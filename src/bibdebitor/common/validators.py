"""Django validators for the Danish identifiers, with the domain's own rules and Danish errors
(``domain.identifiers``, ``domain.payment_codes``), so every model form, the admin and the
imports refuse a CVR, P-number, EAN/GLN or creditor number that fails its check."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext

from bibdebitor.domain.errors import DomainError
from bibdebitor.domain.identifiers import parse_cpr, parse_cvr, parse_gln, parse_p_number
from bibdebitor.domain.payment_codes import check_creditor


@deconstructible
class Identifier:
    """Valid when the domain's parser accepts the value (blank values are the field's affair)."""

    parsers: dict[str, Callable[[str], object]] = {
        "cpr": parse_cpr,
        "cvr": parse_cvr,
        "p_number": parse_p_number,
        "gln": parse_gln,
        "creditor": check_creditor,
    }

    def __init__(self, kind: str) -> None:
        if kind not in self.parsers:
            raise ValueError(kind)
        self.kind = kind

    def __call__(self, value: str) -> None:
        if not value:
            return
        try:
            self.parsers[self.kind](value)
        except DomainError as error:
            raise ValidationError(gettext(error.message), code=error.code) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Identifier) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)


cpr = Identifier("cpr")
cvr = Identifier("cvr")
p_number = Identifier("p_number")
gln = Identifier("gln")
creditor = Identifier("creditor")
