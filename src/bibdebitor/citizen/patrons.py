"""Finding the patron a citizen signs in as (by library card number or CPR number), and the
patron a client system's bearer token stands for."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from bibdebitor.citizen.models import AccessToken, ClientSystem
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
