"""Finding the patron a citizen signs in as: by library card number or CPR number."""

from __future__ import annotations

from bibdebitor.domain.identifiers import IdentifierError, parse_cpr
from bibdebitor.ledger.models import Agency, Patron


def find_patron(agency: Agency, username: str) -> Patron | None:
    username = username.strip()
    if not username:
        return None
    patrons = Patron.objects.select_related("agency").filter(agency=agency)
    try:
        cpr = parse_cpr(username).number
    except IdentifierError:
        return patrons.filter(patron_number=username).first()
    return patrons.filter(cpr=cpr).first() or patrons.filter(patron_number=username).first()
