"""What is enqueued, when, and with what content; activation; error tasks."""

import datetime as dt
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibdebitor.common import clock
from bibdebitor.domain.catalogue import CLASSES
from bibdebitor.domain.claims import EventKind
from bibdebitor.domain.errors import DomainError
from bibdebitor.ledger.models import Claim, ClaimEvent, Patron
from bibdebitor.ledger.services import (
    cancel,
    record_consent,
    register_guardian,
    register_patron,
    write_down,
)
from bibdebitor.protocol.client import backoff
from bibdebitor.protocol.codec import decode_request
from bibdebitor.protocol.messages import ChangeClaimState, CreateAccounts, Party
from bibdebitor.sortiment.cutover import preview
from bibdebitor.transfer import outbox
from bibdebitor.transfer.activation import activate, deactivate
from bibdebitor.transfer.models import (
    Delivery,
    ErrorTask,
    IntegrationActivation,
    Liable,
    MessageKind,
    MessageState,
    OutboxMessage,
)
from bibdebitor.transfer.sender import (
    Sender,
    SenderConfig,
    request_body,
)
from bibdebitor.transfer.tasks import dismiss, open_tasks, retry
from tests.library_fixtures import with_integration_settings

from .conftest import CUTOFF, adults, claim_for, switch_on

pytestmark = pytest.mark.django_db

CLASS_UUIDS = {c.user_key: c.uuid for c in CLASSES}


def as_sent(messages):
    """The messages as the debtor system receives them, in one call."""
    agency = messages[0].agency
    return decode_request(request_body(agency, list(messages), uuid.uuid4()))


def sent_account(message):
    """A hand-over as sent: the account, with the claim on it."""
    (operation,) = as_sent([message]).operations
    (account,) = operation.accounts
    return account


@pytest.fixture
def ready(agency):
    """An agency with every setting the integration needs, not yet switched on."""
    return with_integration_settings(agency)


def test_nothing_is_enqueued_before_the_integration_is_switched_on(ready):
    claim_for(adults(ready, 1)[0], 1)
    assert not OutboxMessage.objects.exists()


def test_a_new_claim_is_enqueued_with_its_queued_event(ready):
    switch_on(ready)
    patron = adults(ready, 1)[0]
    claim = claim_for(patron, 42, amount=12_550)
    message = OutboxMessage.objects.get()
    assert message.kind == MessageKind.CREATE
    assert message.claim == claim
    assert message.state == MessageState.PENDING
    queued = claim.events.get(kind=EventKind.QUEUED)
    assert queued.reference == str(message.event_id)
    account = sent_account(message)
    (sent,) = account.claims
    assert sent.event_id == message.event_id
    assert sent.claim_id == f"{ready.agency_id}-42"
    assert sent.amount_ore == 12_550
    assert sent.claim_type.uuid == CLASS_UUIDS["BIB-GEBYR-LAANETID"]
    assert account.account_type.uuid == CLASS_UUIDS["BIB-GEBYR-ERSTATNING"]
    assert account.org_unit == ready.org_unit_uuid
    assert account.liable.cpr == patron.cpr
    assert patron.name not in sent.description
    assert patron.cpr not in sent.description


def test_the_outbox_write_shares_the_ledger_transaction(ready, monkeypatch):
    switch_on(ready)
    patron = adults(ready, 1)[0]

    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(outbox, "_write", broken)
    with pytest.raises(RuntimeError):
        claim_for(patron, 7)
    assert not Claim.objects.filter(claim_number=7).exists()
    assert not ClaimEvent.objects.exists()


def test_claims_before_the_cutoff_stay_at_the_library(ready):
    patron = adults(ready, 1)[0]
    old = claim_for(patron, 1, days_ago=400)
    switch_on(ready, cutoff=old.created_on + dt.timedelta(days=1))
    assert not OutboxMessage.objects.exists()
    claim_for(patron, 2)
    assert OutboxMessage.objects.get().claim.claim_number == 2


def test_switching_on_with_a_past_cutoff_hands_older_claims_over(ready):
    patrons = adults(ready, 3)
    for i, patron in enumerate(patrons):
        claim_for(patron, 10 + i, days_ago=100)
    result = switch_on(ready, cutoff=CUTOFF)
    assert result.handed_over == 3
    assert OutboxMessage.objects.count() == 3
    assert IntegrationActivation.objects.get().preview_code
    # Switching on again (or rerunning the backlog) hands nothing over twice.
    deactivate(ready, actor="system:test")
    assert switch_on(ready, cutoff=CUTOFF).handed_over == 0


def test_activation_needs_every_setting_and_the_current_dry_run_code(ready):
    code = preview(ready, CUTOFF).fingerprint
    ready.org_unit_uuid = None
    ready.save()
    with pytest.raises(DomainError) as refused:
        activate(ready, cutoff=CUTOFF, preview_code=code, actor="system:test")
    assert refused.value.code == "integration_settings_missing"
    ready.org_unit_uuid = uuid.uuid4()
    ready.save()
    claim_for(adults(ready, 1)[0], 1)  # the data changed since the dry run
    with pytest.raises(DomainError) as refused:
        activate(ready, cutoff=CUTOFF, preview_code=code, actor="system:test")
    assert refused.value.code == "preview_code_mismatch"
    assert not ready.__class__.objects.get(pk=ready.pk).integration_active
    fresh = preview(ready, CUTOFF).fingerprint
    assert fresh != code
    assert (
        activate(ready, cutoff=CUTOFF, preview_code=fresh.lower(), actor="system:t").handed_over
        == 1
    )


def test_a_minors_claim_under_consent_is_on_the_guardians_account(ready):
    switch_on(ready)
    child = register_patron(ready, patron_number="B1", kind="person", name="Ida", cpr="0106154234")
    guardian = register_guardian(ready, cpr="150575-1007", name="Søren Ærø")
    with clock.at(CUTOFF):
        record_consent(child, guardian, journal_reference="J-1", actor="system:test")
    claim_for(child, 5)
    message = OutboxMessage.objects.get()
    assert message.account.liable == Liable.GUARDIAN
    assert message.account.guardian == guardian
    account = sent_account(message)
    assert account.liable == Party(cpr="1505751007", name="Søren Ærø")
    assert account.account_type.user_key == "BIB-GEBYR-ERSTATNING-U18-MED-OA"


def test_a_company_is_liable_by_cvr(ready):
    switch_on(ready)
    school = register_patron(
        ready, patron_number="S1", kind="institution", name="Skolen", cvr="29189129"
    )
    claim_for(school, 6)
    liable = sent_account(OutboxMessage.objects.get()).liable
    assert (liable.cvr, liable.cpr) == ("29189129", "")


def test_a_substitute_cpr_is_made_at_hand_over(ready, minor):
    switch_on(ready)
    claim_for(minor, 8)
    minor = Patron.objects.get(pk=minor.pk)
    assert minor.has_substitute_cpr
    assert sent_account(OutboxMessage.objects.get()).liable.cpr == minor.cpr


def test_changes_to_handed_over_claims_follow_and_others_do_not(ready):
    patron = adults(ready, 1)[0]
    at_library = claim_for(patron, 1, days_ago=400)
    switch_on(ready, cutoff=at_library.created_on + dt.timedelta(days=1))
    handed = claim_for(patron, 2, amount=9_000)
    write_down(handed, 1_500, actor="system:test")
    cancel(at_library, actor="system:test")
    kinds = list(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == [MessageKind.CREATE, MessageKind.WRITE_DOWN]
    (change,) = as_sent([OutboxMessage.objects.get(kind=MessageKind.WRITE_DOWN)]).operations
    assert (change.amount_ore, change.action, change.claim_id) == (
        1_500,
        "NEDSKRIV",
        f"{ready.agency_id}-2",
    )


def test_a_request_groups_hand_overs_but_nothing_overtakes(ready):
    switch_on(ready)
    a, b = adults(ready, 2)
    first, _second = claim_for(a, 1), claim_for(b, 2)
    cancel(first, actor="system:test")
    claim_for(a, 3)
    messages = list(OutboxMessage.objects.order_by("id"))
    request = as_sent(messages)
    kinds = [type(op) for op in request.operations]
    assert kinds == [CreateAccounts, ChangeClaimState, CreateAccounts]
    grouped = request.operations[0].accounts
    assert [len(account.claims) for account in grouped] == [1, 1]
    assert request.event_ids() == [m.event_id for m in messages]


def test_an_account_waits_while_its_earlier_message_is_elsewhere(ready):
    switch_on(ready)
    a, b = adults(ready, 2)
    claim_for(a, 1), claim_for(a, 2), claim_for(b, 3)
    first, second, third = OutboxMessage.objects.order_by("id")
    OutboxMessage.objects.filter(pk=first.pk).update(state=MessageState.LEASED)
    queue = Sender(SenderConfig(url="http://127.0.0.1:9/")).queue
    assert queue.in_lane_order([second, third]) == [third]
    OutboxMessage.objects.filter(pk=first.pk).update(state=MessageState.DONE)
    assert queue.in_lane_order([second, third]) == [second, third]


@given(attempts=st.integers(1, 40), draw=st.floats(0, 1))
def test_backoff_grows_with_jitter_and_a_cap(attempts, draw):
    delay = backoff(attempts, base=2.0, cap=900.0, rand=lambda: draw)
    ceiling = min(900.0, 2.0 * 2 ** (attempts - 1))
    assert ceiling / 2 <= delay <= ceiling <= 900.0


def _rejected_task(agency):
    claim = Claim.objects.get()
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(state=MessageState.REJECTED)
    from bibdebitor.ledger.services import record_event

    record_event(claim, EventKind.REJECTED, actor="system:test")
    return ErrorTask.objects.create(
        agency=agency,
        claim=claim,
        message=message,
        code="KLASSE_IKKE_MAPPET",
        text="Klassen findes ikke i debitorsystemets omsætningstabel.",
        transaction_id=uuid.uuid4(),
    )


def test_retrying_a_task_hands_the_claim_over_again(ready):
    switch_on(ready)
    claim_for(adults(ready, 1)[0], 1)
    task = _rejected_task(ready)
    assert list(open_tasks()) == [task]
    assert retry(task, actor="staff:staff") == 1
    assert OutboxMessage.objects.filter(state=MessageState.PENDING).count() == 1
    assert not open_tasks().exists()
    with pytest.raises(DomainError) as refused:
        dismiss(task, actor="staff:staff", note="fixed")
    assert refused.value.code == "task_resolved"


def test_dismissing_a_task_needs_a_reason(ready):
    switch_on(ready)
    claim_for(adults(ready, 1)[0], 1)
    task = _rejected_task(ready)
    with pytest.raises(DomainError) as refused:
        dismiss(task, actor="staff:staff", note=" ")
    assert refused.value.code == "task_note_required"
    dismiss(task, actor="staff:staff", note="Betalt på biblioteket")
    assert task.resolution.action == "dismissed"


def test_a_message_our_schema_refuses_becomes_a_task_without_a_call(ready):
    switch_on(ready)
    pasted = register_patron(
        ready, patron_number="X1", kind="person", name="Ida\x0bHansen", cpr="150575-1007"
    )
    claim = claim_for(pasted, 9)
    # Nothing listens on port 9: had it tried to send, the batch would be put back instead.
    sender = Sender(SenderConfig(url="http://127.0.0.1:9/"), name="t")
    result = sender.run_once()
    assert (result.rejected, result.retried) == (1, 0)
    task = ErrorTask.objects.get()
    assert (task.claim, task.code) == (claim, "UGYLDIG_BESKED")
    assert OutboxMessage.objects.get().state == MessageState.REJECTED
    assert not Delivery.objects.exists()


def test_staff_send_a_refused_claim_again_from_the_task_list(ready, client):
    from django.contrib.auth.models import User
    from django.urls import reverse

    switch_on(ready)
    claim_for(adults(ready, 1)[0], 1)
    task = _rejected_task(ready)
    client.force_login(User.objects.create_superuser("chef", password="pw-for-tests"))
    url = reverse("admin:transfer_errortask_changelist")
    page = client.get(url).content.decode()
    assert "KLASSE_IKKE_MAPPET" in page
    response = client.post(url, {"action": "send_again", "_selected_action": [task.pk]})
    assert response.status_code == 302
    assert task.__class__.objects.get(pk=task.pk).resolution.actor == "staff:chef"
    assert OutboxMessage.objects.filter(state=MessageState.PENDING).count() == 1
