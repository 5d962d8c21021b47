"""Messages enqueued before the outbox kept XML (their content as JSON) are sent, after the
migration, exactly as the sender would have sent them."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bibdebitor.protocol import codec
from bibdebitor.protocol.messages import (
    Account,
    ChangeClaimState,
    ChangeLiableParty,
    ClassRef,
    NewClaim,
    Party,
    StateAction,
    SubClaim,
)
from bibdebitor.transfer.models import DebtorAccount, OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("transfer", "0004_outbox_metrics_index")]
AFTER = [("transfer", "0005_outbox_content_as_xml")]
CLASS = ClassRef(uuid.UUID("5f1c6a3e-0000-4000-8000-000000000001"), "BIB-GEBYR-LAANETID")
LIABLE = Party(cpr="0101701234", name="Søren & Co. <Ærø>", street="Vej 1", city="By")
ACCOUNT = Account("717300-1-BIB", CLASS, uuid.uuid4(), LIABLE, ())
CLAIM = NewClaim(
    event_id=uuid.uuid4(),
    claim_id="717300-42",
    claim_type=CLASS,
    amount_ore=12_550,
    founded_on=dt.date(2026, 3, 1),
    due_date=dt.date(2026, 3, 31),
    last_timely_payment_date=dt.date(2026, 3, 31),
    description="Gebyr (nr. 42)",
    sub_claims=(SubClaim("717300-42-1", 12_550, "Gebyr"),),
)
WRITE_DOWN = ChangeClaimState(
    uuid.uuid4(), "717300-1-BIB", "717300-42", StateAction.WRITE_DOWN, dt.date(2026, 4, 2), 1_500
)
NEW_PARTY = ChangeLiableParty(uuid.uuid4(), "717300-1-BIB", Party(cpr="0101701235"), CLAIM.due_date)


def as_json(value):
    """A message as the enqueue wrote it before: its fields, UUIDs, dates and enums as text."""
    if isinstance(value, tuple) and not hasattr(value, "__dataclass_fields__"):
        return [as_json(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: as_json(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, uuid.UUID | dt.date):
        return str(value)
    return value


@pytest.fixture
def before_the_migration(agency, adult):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    account = DebtorAccount.objects.create(
        agency=agency, patron=adult, account_type="BIB", liable="patron", reference="717300-1-BIB"
    )
    yield executor.loader.project_state(BEFORE).apps.get_model("transfer", "OutboxMessage"), account
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_json_content_becomes_the_xml_the_sender_sends(before_the_migration):
    old_model, account = before_the_migration
    create = {"account": as_json(ACCOUNT), "claim": as_json(CLAIM)}
    for kind, operation, payload in (
        ("create", CLAIM, create),
        ("write_down", WRITE_DOWN, as_json(WRITE_DOWN)),
        ("change_party", NEW_PARTY, as_json(NEW_PARTY)),
    ):
        old_model.objects.create(
            agency_id=account.agency_id,
            account_id=account.pk,
            kind=kind,
            event_id=operation.event_id,
            payload=payload,
            available_at=timezone.now(),
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    stored = {m.kind: m for m in OutboxMessage.objects.all()}
    assert stored["create"].content == codec.claim_xml(CLAIM)
    assert stored["create"].account_content == codec.account_xml(ACCOUNT)
    assert stored["write_down"].content == codec.operation_xml(WRITE_DOWN)
    assert stored["change_party"].content == codec.operation_xml(NEW_PARTY)
    assert stored["change_party"].account_content == ""
