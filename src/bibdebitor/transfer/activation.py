"""Switching an agency's integration on and off.

Nothing leaves an agency until it is switched on with a cut-off date, its organisation, an
organisational unit, the sender and debtor IT-system instances and a debtor vendor. Switching
on requires the code of a dry run for the same cut-off date made on the current data: what is
handed over is what staff saw. Switching on then hands over every transferable claim created on
or after the cut-off date through the same outbox as new claims.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from bibdebitor.common import clock
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.ledger.models import Agency, Claim
from bibdebitor.sortiment.cutover import preview
from bibdebitor.transfer.models import IntegrationActivation
from bibdebitor.transfer.outbox import hand_over_chunk

REQUIRED_SETTINGS = {
    "organisation_uuid": gettext_noop("the municipality's organisation UUID"),
    "org_unit_uuid": gettext_noop("the organisational unit (debtor account reference)"),
    "sender_instance_uuid": gettext_noop("the sender IT system instance"),
    "debtor_instance_uuid": gettext_noop("the debtor system instance"),
    "debtor_vendor": gettext_noop("the debtor system vendor"),
}
BACKLOG_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class Activation:
    record: IntegrationActivation
    handed_over: int


def missing_settings(agency: Agency) -> list[str]:
    return [label for name, label in REQUIRED_SETTINGS.items() if not getattr(agency, name)]


def activate(agency: Agency, *, cutoff: dt.date, preview_code: str, actor: str) -> Activation:
    missing = missing_settings(agency)
    if missing:
        raise DomainError(
            "integration_settings_missing",
            gettext_noop("The integration cannot be switched on: settings are missing."),
        )
    if cutoff > clock.today() + dt.timedelta(days=366):
        raise DomainError(
            "cutoff_too_far", gettext_noop("The cut-off date is more than a year ahead.")
        )
    expected = preview(agency, cutoff).fingerprint
    if preview_code.strip().upper() != expected:
        raise DomainError(
            "preview_code_mismatch",
            gettext_noop(
                "The dry-run code does not match the data now. Run the dry run again and "
                "use its code."
            ),
        )
    with transaction.atomic():
        agency.integration_active = True
        agency.cutoff_date = cutoff
        agency.save(update_fields=["integration_active", "cutoff_date"])
        record = IntegrationActivation.objects.create(
            agency=agency, active=True, cutoff_date=cutoff, preview_code=expected, actor=actor
        )
    return Activation(record, hand_over_backlog(agency, actor=actor))


def hand_over_backlog(agency: Agency, *, actor: str) -> int:
    """Enqueue every transferable claim not yet handed over, in chunks (each its own
    transaction, so a crash loses nothing and a rerun picks up where it stopped; the sender
    may deliver the chunks written while the next is prepared)."""
    ids = list(
        Claim.objects.filter(agency=agency, created_on__gte=agency.cutoff_date)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = 0
    for start in range(0, len(ids), BACKLOG_CHUNK):
        total += hand_over_chunk(agency, ids[start : start + BACKLOG_CHUNK], actor=actor)
    return total


@transaction.atomic
def deactivate(agency: Agency, *, actor: str) -> IntegrationActivation:
    """Stop handing over. Messages already in the outbox wait until it is switched on again."""
    agency.integration_active = False
    agency.save(update_fields=["integration_active"])
    return IntegrationActivation.objects.create(
        agency=agency, active=False, cutoff_date=agency.cutoff_date, actor=actor
    )
