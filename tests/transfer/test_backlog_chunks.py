"""The backlog's chunks are prepared before their write transaction (so that on SQLite the
sender can deliver meanwhile): whatever changes between the preparation and the write is
seen in the transaction, and the chunk is handed over as the data stands then."""

import pytest

from bibdebitor.common import clock
from bibdebitor.domain.claims import EventKind
from bibdebitor.ledger.models import Agency
from bibdebitor.ledger.services import (
    cancel,
    change_guardian_cpr,
    change_identifier,
    record_consent,
    register_guardian,
    register_patron,
)
from bibdebitor.protocol.messages import Party
from bibdebitor.transfer import outbox
from bibdebitor.transfer.activation import deactivate
from bibdebitor.transfer.models import OutboxMessage
from tests.library_fixtures import with_integration_settings

from .conftest import CUTOFF, adults, claim_for, cpr_for, switch_on
from .test_outbox import sent_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def backlog(agency):
    """Three patrons with a claim each, from before the integration is switched on."""
    with_integration_settings(agency)
    patrons = adults(agency, 3)
    return [claim_for(patron, 10 + i, days_ago=100) for i, patron in enumerate(patrons)]


def meanwhile(monkeypatch, change):
    """Make ``change`` once, right after the first chunk's preparation, as another process
    would while the chunk waits for its write transaction."""
    prepare = outbox._plan
    pending = [change]

    def prepare_then_change(*args, **kwargs):
        planned = prepare(*args, **kwargs)
        while pending:
            pending.pop()()
        return planned

    monkeypatch.setattr(outbox, "_plan", prepare_then_change)


def handed_over_numbers():
    return sorted(m.claim.claim_number for m in OutboxMessage.objects.select_related("claim"))


def test_a_quiet_backlog_is_handed_over_as_prepared(agency, backlog, monkeypatch):
    meanwhile(monkeypatch, lambda: None)
    assert switch_on(agency).handed_over == 3
    assert handed_over_numbers() == [10, 11, 12]
    assert all(claim.events.filter(kind=EventKind.QUEUED).count() == 1 for claim in backlog)


def test_a_claim_cancelled_meanwhile_is_not_handed_over(agency, backlog, monkeypatch):
    meanwhile(monkeypatch, lambda: cancel(backlog[1], actor="staff:anna"))
    assert switch_on(agency).handed_over == 2
    assert handed_over_numbers() == [10, 12]
    assert not backlog[1].events.filter(kind=EventKind.QUEUED).exists()


def test_a_cpr_changed_meanwhile_goes_over_as_it_is_now(agency, backlog, monkeypatch):
    patron = backlog[0].patron
    new_cpr = cpr_for(900)
    meanwhile(monkeypatch, lambda: change_identifier(patron, actor="staff:anna", cpr=new_cpr))
    switch_on(agency)
    message = OutboxMessage.objects.get(claim=backlog[0])
    assert sent_account(message).liable.cpr == new_cpr


def test_a_claim_of_a_new_patron_made_meanwhile_is_handed_over_once(agency, backlog, monkeypatch):
    # Made while the integration is on: the journal writer hands it over at once itself.
    def new_claim():
        newcomer = register_patron(
            agency, patron_number="P99", kind="person", name="Ny", cpr=cpr_for(99)
        )
        claim_for(newcomer, 99, days_ago=1)

    meanwhile(monkeypatch, new_claim)
    switch_on(agency)
    assert handed_over_numbers() == [10, 11, 12, 99]


def test_switched_off_meanwhile_nothing_more_is_handed_over(agency, backlog, monkeypatch):
    meanwhile(monkeypatch, lambda: deactivate(Agency.objects.get(pk=agency.pk), actor="staff:anna"))
    assert switch_on(agency).handed_over == 0
    assert not OutboxMessage.objects.exists()


def test_a_guardians_cpr_changed_meanwhile_goes_over_as_it_is_now(agency, backlog, monkeypatch):
    child = register_patron(agency, patron_number="B1", kind="person", name="Ida", cpr="0106154234")
    guardian = register_guardian(agency, cpr="150575-1007", name="Søren Ærø")
    with clock.at(CUTOFF):
        record_consent(child, guardian, journal_reference="J-1", actor="system:test")
    claim = claim_for(child, 5)
    meanwhile(monkeypatch, lambda: change_guardian_cpr(guardian, "1505751015", actor="staff:anna"))
    switch_on(agency)
    account = sent_account(OutboxMessage.objects.get(claim=claim))
    assert account.liable == Party(cpr="1505751015", name="Søren Ærø")
