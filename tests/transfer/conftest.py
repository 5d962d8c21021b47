import datetime as dt
import random
import time
import uuid

import pytest
from django.utils import timezone

from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.harness.faults import FaultProxy
from bibdebitor.ledger.services import create_claim, register_patron
from bibdebitor.sortiment.cutover import preview
from bibdebitor.transfer.activation import activate
from bibdebitor.transfer.models import MessageState, OutboxMessage
from bibdebitor.transfer.sender import Sender, SenderConfig

CUTOFF = dt.date(2026, 1, 1)


@pytest.fixture(scope="session")
def debtor(tmp_path_factory):
    server = DebtorProcess(tmp_path_factory.mktemp("debtor")).start()
    yield server
    server.stop()


@pytest.fixture
def proxy(debtor):
    fault_proxy = FaultProxy(debtor.port).start()
    yield fault_proxy
    fault_proxy.stop()


def configure(agency, debtor):
    """Point the agency at the test debtor system, under an agency id of its own (the debtor
    process lives for the whole session)."""
    agency.agency_id = str(random.randint(100_000, 999_999))
    agency.organisation_uuid = debtor.organisation
    agency.debtor_instance_uuid = debtor.instance
    agency.sender_instance_uuid = debtor.sender
    agency.org_unit_uuid = uuid.uuid4()
    agency.substitute_cpr_enabled = True
    agency.save()
    return agency


def switch_on(agency, cutoff=CUTOFF):
    return activate(
        agency, cutoff=cutoff, preview_code=preview(agency, cutoff).fingerprint, actor="system:test"
    )


@pytest.fixture
def live_agency(agency, debtor):
    configure(agency, debtor)
    switch_on(agency)
    return agency


def cpr_for(number: int) -> str:
    return f"0101{70 + number // 4000 % 30:02d}{number % 4000:04d}"


def adults(agency, count: int, start: int = 0):
    return [
        register_patron(
            agency,
            patron_number=f"P{start + i}",
            kind="person",
            name=f"Låner Ærø {start + i}",
            cpr=cpr_for(start + i),
        )
        for i in range(count)
    ]


def claim_for(patron, number: int, amount: int = 5_000, days_ago: int = 10, kind="late_fee"):
    today = timezone.localdate()
    return create_claim(
        patron,
        claim_number=number,
        kind=kind,
        amount_ore=amount,
        created_on=today - dt.timedelta(days=days_ago),
        due_date=today + dt.timedelta(days=20),
        actor="system:test",
    )


def sender_for(url: str, debtor, **overrides):
    config = SenderConfig(
        url=url,
        token=overrides.pop("token", debtor.token),
        batch_size=overrides.pop("batch_size", 500),
        retry_base=0.02,
        retry_cap=0.2,
        read_timeout=overrides.pop("read_timeout", 2.0),
        **overrides,
    )
    return Sender(config, name=f"test-{uuid.uuid4().hex[:6]}")


def unfinished(agency=None) -> int:
    """Outbox messages still to be sent (of one agency, or of all)."""
    messages = OutboxMessage.objects.filter(state__in=[MessageState.PENDING, MessageState.LEASED])
    return (messages.filter(agency=agency) if agency else messages).count()


def drain(sender, timeout: float = 60.0):
    """Run the sender until the outbox is empty; return each batch's result."""
    results = []
    deadline = time.monotonic() + timeout
    while unfinished():
        assert time.monotonic() < deadline, "the outbox did not drain"
        result = sender.run_once()
        if result.sent:
            results.append(result)
        else:
            time.sleep(0.02)
    return results
