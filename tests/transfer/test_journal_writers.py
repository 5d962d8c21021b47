"""Every writer of the claim journal tells the outbox through the one journal writer
(ledger/journal.py), in its own transaction: the service, the CSV import, activation and the
generator. No Django signal carries it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from bibdebitor.domain.claims import EventKind
from bibdebitor.harness.generator import MunicipalitySize, generate_municipality
from bibdebitor.ledger.csv_import import import_claims
from bibdebitor.ledger.models import ClaimEvent
from bibdebitor.ledger.services import change_identifier, record_event
from bibdebitor.transfer.models import MessageKind, OutboxMessage
from tests.library_fixtures import with_integration_settings

from .conftest import adults, claim_for, switch_on

pytestmark = pytest.mark.django_db
SOURCE = Path(__file__).resolve().parents[2] / "src" / "bibdebitor"


@pytest.fixture
def live(agency):
    ready = with_integration_settings(agency)
    switch_on(ready)
    return ready


def creates() -> int:
    return OutboxMessage.objects.filter(kind=MessageKind.CREATE).count()


def test_the_service_enqueues(live):
    claim_for(adults(live, 1)[0], 1)
    assert creates() == 1


def test_the_csv_import_enqueues(live):
    (patron,) = adults(live, 1)
    day = timezone.localdate() - dt.timedelta(days=3)
    dates = f"{day:%d-%m-%Y},{day + dt.timedelta(days=30):%d-%m-%Y}"
    rows = (
        "claim_number,patron_number,kind,amount,created_on,due_date\n"
        f"701,{patron.patron_number},gebyr,50,{dates}\n"
        f"702,{patron.patron_number},gebyr,75,{dates}\n"
    )
    assert import_claims(live, rows.encode(), actor="system:test") == 2
    assert creates() == 2


def test_activation_enqueues_what_was_there_before(agency):
    ready = with_integration_settings(agency)
    claim_for(adults(ready, 1)[0], 1)
    assert creates() == 0
    switch_on(ready)
    assert creates() == 1
    assert ClaimEvent.objects.filter(kind=EventKind.QUEUED).count() == 1


def test_the_generator_enqueues_into_a_live_integration(live):
    generate_municipality(live, MunicipalitySize(patrons=30, claims=120, years=1), seed=3)
    queued = ClaimEvent.objects.filter(kind=EventKind.QUEUED, claim__agency=live).count()
    assert queued > 0
    assert creates() == queued


def test_an_identifier_change_tells_the_debtor_system(live):
    (patron,) = adults(live, 1)
    claim_for(patron, 1)
    change_identifier(patron, actor="system:test", cpr="0101901234")
    assert OutboxMessage.objects.filter(kind=MessageKind.CHANGE_PARTY).count() == 1


def test_no_django_signal_carries_business_flow():
    """Only the back-office's role set-up after ``migrate`` listens to a signal."""
    users = [
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*.py")
        if re.search(r"\bSignal\(|\bsignals\.\w+\.connect\(|post_\w+\.connect\(", path.read_text())
    ]
    assert users == ["backoffice/apps.py"]


def test_the_journal_writer_refuses_an_actor_outside_the_one_format(live):
    (patron,) = adults(live, 1)
    claim = claim_for(patron, 1, 10_000)
    before = ClaimEvent.objects.count()
    with pytest.raises(ValueError, match="not an actor"):
        record_event(claim, EventKind.CANCELLED, actor="anne")
    with pytest.raises(ValueError, match="not an actor"):
        change_identifier(patron, cpr="0101901231", actor="anne")
    assert ClaimEvent.objects.count() == before
    assert record_event(claim, EventKind.CANCELLED, actor="staff:anne").actor == "staff:anne"
