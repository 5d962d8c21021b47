"""The library's coverage service: authenticated, stored before applied, applied once, order
tolerant, explicit about money; what cannot be applied becomes an error task."""

import datetime as dt
import hashlib
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bibdebitor.domain.claims import EventKind, Lifecycle
from bibdebitor.ledger.models import ClaimEvent, PatronBlockEvent
from bibdebitor.ledger.selectors import claim_state
from bibdebitor.protocol.codec import decode_receipt, encode
from bibdebitor.protocol.messages import (
    CoverageKind,
    CoverageRegistration,
    CoverageRequest,
    Header,
    Outcome,
    Service,
    SystemRef,
)
from bibdebitor.transfer import inbox
from bibdebitor.transfer.models import (
    AppliedRegistration,
    CoverageCredential,
    ErrorTask,
    InboxMessage,
    InboxReceipt,
)

from .conftest import adults, claim_for

pytestmark = pytest.mark.django_db

TOKEN = "dækning-token-1"


@pytest.fixture
def library(agency):
    agency.organisation_uuid = uuid.uuid4()
    agency.debtor_instance_uuid = uuid.uuid4()
    agency.sender_instance_uuid = uuid.uuid4()
    agency.save()
    CoverageCredential.objects.create(
        agency=agency, token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest(), name="debitor"
    )
    return agency


@pytest.fixture
def claim(library):
    (patron,) = adults(library, 1)
    return claim_for(patron, 1, amount=30_000)


def registration(claim_id, kind=CoverageKind.PAYMENT, amount=10_000, registration_id=None):
    return CoverageRegistration(
        registration_id or uuid.uuid4(),
        "ref",
        kind,
        dt.date(2026, 11, 20),
        claim_id=claim_id,
        amount_ore=amount,
        text="Indbetalt",
    )


def request_for(agency, *registrations, transaction_id=None):
    header = Header(
        transaction_id or uuid.uuid4(),
        dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC),
        SystemRef(agency.organisation_uuid, agency.debtor_instance_uuid),
        SystemRef(agency.organisation_uuid, agency.sender_instance_uuid),
    )
    return CoverageRequest(header, registrations)


def post(body, token=TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(
        reverse("sf1590-coverage"), body, content_type="text/xml; charset=utf-8", **headers
    )


def send(request, token=TOKEN):
    response = post(encode(request), token)
    assert response.status_code == 200, response.content
    return {
        line.claim_id: line for line in decode_receipt(response.content, Service.COVERAGE).lines
    }


def claim_id(claim):
    return f"{claim.agency.agency_id}-{claim.claim_number}"


def test_partial_then_full_payment_settles_and_unblocks(library, claim):
    assert PatronBlockEvent.objects.filter(patron=claim.patron).latest("id").blocked
    send(request_for(library, registration(claim_id(claim), amount=10_000)))
    assert claim_state(claim).open == 20_000
    send(request_for(library, registration(claim_id(claim), amount=20_000)))
    assert claim_state(claim).lifecycle is Lifecycle.SETTLED
    assert not PatronBlockEvent.objects.filter(patron=claim.patron).latest("id").blocked


def test_a_replayed_call_gets_the_same_receipt_and_no_second_effect(library, claim):
    body = encode(request_for(library, registration(claim_id(claim))))
    first, second = post(body), post(body)
    assert first.content == second.content
    assert ClaimEvent.objects.filter(claim=claim, kind=EventKind.COVERED).count() == 1
    assert InboxMessage.objects.count() == 1


def test_a_registration_resent_in_a_new_call_is_applied_once(library, claim):
    same = registration(claim_id(claim))
    send(request_for(library, same))
    lines = send(request_for(library, same))
    assert lines[claim_id(claim)].outcome is Outcome.ACCEPTED
    assert claim_state(claim).covered == 10_000


def test_payment_before_acceptance_and_a_reversal_after_it(library, claim):
    # The claim was never even queued here: coverage does not depend on the transfer state.
    send(
        request_for(
            library,
            registration(claim_id(claim), amount=30_000),
            registration(claim_id(claim), CoverageKind.PAYMENT_REVERSED, amount=30_000),
        )
    )
    state = claim_state(claim)
    assert (state.open, state.covered, state.lifecycle) == (30_000, 0, Lifecycle.OPEN)


def test_overpayment_is_kept_as_credit_and_flagged(library, claim):
    lines = send(request_for(library, registration(claim_id(claim), amount=35_000)))
    assert lines[claim_id(claim)].outcome is Outcome.ACCEPTED
    state = claim_state(claim)
    assert (state.open, state.credit) == (0, 5_000)
    (task,) = ErrorTask.objects.filter(code=inbox.OVERPAYMENT)
    assert task.claim == claim
    assert "50,00" in task.text


def test_unknown_claim_and_impossible_write_off_become_error_tasks(library, claim):
    lines = send(
        request_for(
            library,
            registration(f"{library.agency_id}-999"),
            registration("other-agency-1"),
            registration(claim_id(claim), CoverageKind.WRITE_OFF, amount=40_000),
        )
    )
    codes = sorted(line.code for line in lines.values())
    assert codes == ["KAN_IKKE_BOGFOERES", "UKENDT_FORDRING", "UKENDT_FORDRING"]
    assert all(line.text for line in lines.values())
    assert ErrorTask.objects.count() == 3
    assert claim_state(claim).open == 30_000


def test_one_impossible_registration_does_not_hold_back_the_rest_of_the_call(library, claim):
    others = [
        claim_for(patron, n, amount=20_000) for n, patron in enumerate(adults(library, 3, 10), 2)
    ]
    lines = send(
        request_for(
            library,
            registration(claim_id(others[0]), amount=20_000),
            registration(claim_id(claim), CoverageKind.WRITE_OFF, amount=40_000),
            registration(claim_id(others[1]), amount=25_000),
            registration(claim_id(others[2]), amount=5_000),
        )
    )
    assert lines[claim_id(claim)].code == "KAN_IKKE_BOGFOERES"
    assert [lines[claim_id(c)].outcome for c in others] == [Outcome.ACCEPTED] * 3
    assert [claim_state(c).open for c in others] == [0, 0, 15_000]
    assert claim_state(others[1]).credit == 5_000
    codes = sorted(ErrorTask.objects.values_list("code", flat=True))
    assert codes == ["KAN_IKKE_BOGFOERES", inbox.OVERPAYMENT]


def test_write_off_and_down_regulation_are_journal_events(library, claim):
    send(
        request_for(
            library,
            registration(claim_id(claim), CoverageKind.WRITE_OFF, amount=10_000),
            registration(claim_id(claim), CoverageKind.DOWN_REGULATION, amount=5_000),
            registration("", CoverageKind.ACCOUNT_CLOSED, amount=None),
        )
    )
    state = claim_state(claim)
    assert (state.written_off, state.written_down, state.open) == (10_000, 5_000, 15_000)
    assert AppliedRegistration.objects.filter(accepted=True).count() == 3


@pytest.mark.parametrize("token", ["", "forkert"])
def test_an_unknown_caller_is_refused(library, claim, token):
    response = post(encode(request_for(library, registration(claim_id(claim)))), token)
    assert response.status_code == 401
    assert InboxMessage.objects.count() == 0


def test_a_wrong_routing_header_is_refused(library, claim):
    request = request_for(library, registration(claim_id(claim)))
    header = request.header
    forged = Header(
        header.transaction_id,
        header.transaction_time,
        SystemRef(library.organisation_uuid, uuid.uuid4()),
        header.receiver,
    )
    response = post(encode(CoverageRequest(forged, request.registrations)))
    assert response.status_code == 400
    assert b"forkert_afsender" in response.content
    assert claim_state(claim).covered == 0


def test_a_failure_while_applying_keeps_the_call_for_the_resend(library, claim, monkeypatch):
    body = encode(request_for(library, registration(claim_id(claim))))

    def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(inbox, "append_events", crash)
    failed = post(body)
    assert failed.status_code == 500
    assert b"Server" in failed.content
    assert InboxMessage.objects.count() == 1
    assert not InboxReceipt.objects.exists()
    monkeypatch.undo()
    assert post(body).status_code == 200
    assert claim_state(claim).covered == 10_000


def test_the_integration_command_registers_the_debtors_token(library, claim):
    call_command("integration", f"--agency={library.agency_id}", "coverage-token", "--token=nyt")
    send(request_for(library, registration(claim_id(claim))), token="nyt")
    assert claim_state(claim).covered == 10_000


def test_a_nightly_call_of_10000_registrations_is_accepted(library, claim):
    """The vendor's nightly batch: above Django's 2.5 MB default for a request body, within
    the 32 MiB every SOAP endpoint allows (soapviews.read_body)."""
    registrations = [registration(claim_id(claim), amount=1) for _ in range(10_000)]
    body = encode(request_for(library, *registrations))
    assert len(body) > 2_621_440
    response = post(body)
    assert response.status_code == 200, response.content[:300]
    assert claim_state(claim).covered == 10_000


def test_a_call_above_32_mib_is_refused_before_it_is_read(library, claim):
    from bibdebitor.protocol.safexml import MAX_MESSAGE_BYTES

    response = post(b"<" + b"x" * MAX_MESSAGE_BYTES)
    assert response.status_code == 413
    assert b"xml_too_large" in response.content
    assert not InboxMessage.objects.exists()
