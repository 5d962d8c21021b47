"""Finding the patron a citizen signs in as (by library card number or CPR number), and the
patron a client system's bearer token stands for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from bibdebitor.citizen.models import AccessToken, ClientSystem
from bibdebitor.domain import actors
from bibdebitor.domain.identifiers import IdentifierError, parse_cpr
from bibdebitor.ledger.models import Agency, Guardian, Patron
from bibdebitor.ledger.services import pin_matches


@dataclass(frozen=True, slots=True)
class Citizen:
    """Who is signed in to the citizen page: a borrower, or a guardian (økonomisk ansvarlig)
    who is no borrower but is liable for a child's claims."""

    agency: Agency
    name: str
    cpr: str
    patron: Patron | None = None
    guardian: Guardian | None = None

    @property
    def actor(self) -> str:
        if self.patron is not None:
            return actors.citizen(self.patron.patron_number)
        if self.guardian is None:
            raise ValueError("a citizen is a borrower or a guardian")
        return actors.guardian(self.guardian.pk)

    def session_value(self) -> dict[str, int]:
        if self.patron is not None:
            return {"patron": self.patron.pk}
        return {"guardian": self.guardian.pk if self.guardian else 0}


def as_citizen(patron: Patron) -> Citizen:
    return Citizen(patron.agency, patron.name, patron.cpr, patron=patron)


def guardian_citizen(guardian: Guardian) -> Citizen:
    return Citizen(guardian.agency, guardian.name, guardian.cpr, guardian=guardian)


def sign_in(agency: Agency, username: str, pin: str) -> Citizen | None:
    """The citizen a card or CPR number and PIN belong to: a patron first, then a guardian
    (by CPR number only: guardians have no library card)."""
    patron = find_patron(agency, username)
    if patron is not None:
        return as_citizen(patron) if pin_matches(patron, pin) else None
    guardian = find_guardian(agency, username)
    if guardian is not None and pin_matches(guardian, pin):
        return guardian_citizen(guardian)
    return None


def lock_name(agency: Agency, username: str) -> str:
    """Whom a sign-in's lock-out counts against: the patron or guardian the name finds (so
    the card number and the CPR number share one count), else the name as typed."""
    patron = find_patron(agency, username)
    if patron is not None:
        return patron_lock_name(patron)
    guardian = find_guardian(agency, username)
    return f"guardian:{guardian.pk}" if guardian is not None else username


def patron_lock_name(patron: Patron) -> str:
    return f"patron:{patron.pk}"


def from_session(agency: Agency, value: Any) -> Citizen | None:
    if not isinstance(value, dict):
        return None
    if "patron" in value:
        patron = (
            Patron.objects.select_related("agency")
            .filter(pk=value["patron"], agency=agency)
            .first()
        )
        return as_citizen(patron) if patron else None
    guardian_id = value.get("guardian")
    if guardian_id is None:  # neither a patron nor a guardian: no one is signed in
        return None
    guardian = (
        Guardian.objects.select_related("agency").filter(pk=guardian_id, agency=agency).first()
    )
    return guardian_citizen(guardian) if guardian else None


def find_guardian(agency: Agency, username: str) -> Guardian | None:
    try:
        cpr = parse_cpr(username.strip()).number
    except IdentifierError:
        return None
    return Guardian.objects.select_related("agency").filter(agency=agency, cpr=cpr).first()


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


def live_token_patron(token_sha256: str) -> int | None:
    """The patron id of an unexpired token of an active client system. By hand: the fees API
    asks it for every request (see ``ledger.selectors.patron_claim_summaries``)."""
    sql = (
        f"SELECT t.patron_id FROM {AccessToken._meta.db_table} t"  # noqa: S608
        f" JOIN {ClientSystem._meta.db_table} s ON s.id = t.client_id"
        " WHERE t.token_sha256 = %s AND t.expires_at > %s AND s.active = %s"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_sha256, now, True])
        row = cursor.fetchone()
    return row[0] if row else None
