"""The gate: an approved agreement lets a signed call through to the debtor system; every
other case is refused with a SOAP fault that says why, and the debtor system receives
nothing (read from its own database)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from bibdebitor.broker import registry
from bibdebitor.broker.models import Service
from bibdebitor.domain.agreements import AgreementState
from bibdebitor.harness.processes import free_port
from bibdebitor.protocol.codec import SoapFault, decode_receipt, encode
from bibdebitor.protocol.messages import (
    CoverageKind,
    CoverageRegistration,
    CoverageRequest,
    Header,
    Outcome,
    SystemRef,
)
from bibdebitor.protocol.messages import Service as ProtocolService
from bibdebitor.protocol.signing import Identity, make_identity, sign

from .conftest import LIBRARY, STRANGER

pytestmark = pytest.mark.django_db(transaction=True)


def refusal(response) -> SoapFault:
    with pytest.raises(SoapFault) as caught:
        decode_receipt(response.content, ProtocolService.REGISTRATION)
    return caught.value


def assert_refused(platform, response, status: int, code: str) -> SoapFault:
    assert response.status_code == status, response.text
    fault = refusal(response)
    assert (fault.role, fault.code) == ("Client", code)
    assert platform.outcomes()[-1] == code
    return fault


def test_an_approved_agreement_lets_a_signed_call_through(platform):
    platform.approved_agreement()
    before = platform.received_by_debtor()
    response = platform.post(platform.signed())
    assert response.status_code == 200, response.text
    receipt = decode_receipt(response.content, ProtocolService.REGISTRATION)
    assert [line.outcome for line in receipt.lines] == [Outcome.ACCEPTED]
    assert platform.received_by_debtor() == before + 1
    assert platform.outcomes() == ["forwarded"]


def test_without_an_agreement_nothing_reaches_the_debtor(platform):
    before = platform.received_by_debtor()
    fault = assert_refused(platform, platform.post(platform.signed()), 403, "ingen_serviceaftale")
    assert "serviceaftale" in fault.message  # Danish, says why
    assert platform.received_by_debtor() == before


@pytest.mark.parametrize(
    ("decision", "code"),
    [(None, "serviceaftale_afventer"), (AgreementState.REJECTED, "serviceaftale_afvist")],
)
def test_an_agreement_not_approved_lets_nothing_through(platform, decision, code):
    agreement = platform.request_agreement()
    if decision:
        registry.decide(agreement, decision, platform.administrator, "ikke aftalt")
    before = platform.received_by_debtor()
    assert_refused(platform, platform.post(platform.signed()), 403, code)
    assert platform.received_by_debtor() == before


def test_a_revoked_agreement_stops_the_traffic_it_let_through(platform):
    agreement = platform.approved_agreement()
    assert platform.post(platform.signed()).status_code == 200
    registry.decide(agreement, AgreementState.REVOKED, platform.administrator, "kontrakt ophørt")
    before = platform.received_by_debtor()
    assert_refused(platform, platform.post(platform.signed()), 403, "serviceaftale_tilbagekaldt")
    assert platform.received_by_debtor() == before


def test_an_agreement_for_the_other_service_does_not_count(platform):
    platform.approved_agreement(Service.COVERAGE)
    assert_refused(platform, platform.post(platform.signed()), 403, "ingen_serviceaftale")


@pytest.mark.parametrize(
    ("identity", "code"),
    [
        (STRANGER, "certificate_unknown"),  # a certificate nobody registered
        (Identity(STRANGER.key_pem, LIBRARY.cert_pem), "signature_invalid"),  # forged
    ],
    ids=["unregistered-certificate", "registered-certificate-wrong-key"],
)
def test_a_forged_signature_or_certificate_is_refused(platform, identity, code):
    platform.approved_agreement()
    before = platform.received_by_debtor()
    assert_refused(platform, platform.post(platform.signed(identity)), 401, code)
    assert platform.received_by_debtor() == before


def test_a_revoked_certificate_is_refused(platform):
    platform.approved_agreement()
    registry.revoke_certificate(LIBRARY.fingerprint, "nøglen er kompromitteret")
    before = platform.received_by_debtor()
    assert_refused(platform, platform.post(platform.signed()), 401, "certifikat_spaerret")
    assert platform.received_by_debtor() == before


def test_a_replayed_call_is_refused(platform):
    platform.approved_agreement()
    signed = platform.signed()
    assert platform.post(signed).status_code == 200
    before = platform.received_by_debtor()
    assert_refused(platform, platform.post(signed), 401, "genafspillet_kald")
    assert platform.received_by_debtor() == before


def test_a_resend_signed_afresh_passes_and_the_debtor_applies_it_once(platform):
    platform.approved_agreement()
    body = platform.registration()
    first, second = platform.post(sign(body, LIBRARY)), platform.post(sign(body, LIBRARY))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content  # the debtor's stored receipt, not a second effect
    assert platform.outcomes() == ["forwarded", "forwarded"]


@pytest.mark.parametrize("minutes", [-10, 10], ids=["stale", "from-the-future"])
def test_a_call_outside_the_time_window_is_refused(platform, minutes):
    platform.approved_agreement()
    at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    signed = sign(platform.registration(), LIBRARY, now=at)
    before = platform.received_by_debtor()
    assert_refused(platform, platform.post(signed), 401, "foraeldet_kald")
    assert platform.received_by_debtor() == before


def test_a_tampered_body_is_refused(platform):
    platform.approved_agreement()
    signed = platform.signed(amount=12_500)
    tampered = signed.replace(b">12500<", b">125<")
    assert tampered != signed
    before = platform.received_by_debtor()
    assert_refused(platform, platform.post(tampered), 401, "signature_invalid")
    assert platform.received_by_debtor() == before


def test_an_unsigned_call_is_refused(platform):
    platform.approved_agreement()
    assert_refused(platform, platform.post(platform.registration()), 401, "signature_missing")


def test_the_header_must_name_the_system_that_signed(platform):
    other = registry.register_system(uuid.uuid4(), "Andet system", make_identity("x").cert_pem)
    registry.decide(
        registry.request_agreement(other, Service.REGISTRATION, platform.municipality, "t"),
        AgreementState.APPROVED,
        platform.administrator,
    )
    platform.approved_agreement()
    # Signed by the library but claiming to come from the other (approved) system.
    signed = platform.signed(sender=other.uuid)
    assert_refused(platform, platform.post(signed), 403, "forkert_afsender")


def test_the_header_must_name_the_routed_receiver(platform):
    platform.approved_agreement()
    signed = platform.signed(receiver=uuid.uuid4())
    assert_refused(platform, platform.post(signed), 403, "forkert_modtager")


def test_a_withdrawn_route_is_refused_as_not_yet_routed(platform):
    platform.approved_agreement()
    registry.set_route(platform.municipality, Service.REGISTRATION, None, "")
    assert_refused(platform, platform.post(platform.signed()), 404, "ingen_rute")


def test_a_message_of_the_other_service_is_refused(platform):
    platform.approved_agreement()
    header = Header(
        uuid.uuid4(),
        dt.datetime.now(dt.UTC),
        SystemRef(platform.debtor.organisation, platform.debtor.sender),
        SystemRef(platform.debtor.organisation, platform.debtor.instance),
    )
    payment = CoverageRegistration(
        uuid.uuid4(), "k-1", CoverageKind.PAYMENT, dt.date.today(), "799900-1", 100
    )
    signed = sign(encode(CoverageRequest(header, (payment,))), LIBRARY)
    assert_refused(platform, platform.post(signed), 400, "forkert_service")


def test_an_unknown_service_is_refused(platform):
    response = platform.post(platform.signed(), path="/sf1590/NoSuchService/1")
    assert response.status_code == 404
    assert refusal(response).code == "ukendt_service"


def test_an_unreachable_receiver_is_a_server_fault_worth_retrying(platform):
    platform.approved_agreement()
    registry.set_route(
        platform.municipality,
        Service.REGISTRATION,
        platform.debtor_system,
        f"http://127.0.0.1:{free_port()}/sf1590/DebitorRegistreringAfsend/1",
    )
    response = platform.post(platform.signed())
    assert response.status_code == 502
    fault = refusal(response)
    assert (fault.role, fault.code) == ("Server", "modtager_utilgaengelig")


def test_hostile_xml_is_refused_before_anything_else(platform):
    platform.approved_agreement()
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>'
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<soap:Body>&lol;</soap:Body></soap:Envelope>"
    )
    before = platform.received_by_debtor()
    response = platform.post(bomb)
    assert response.status_code in (400, 401)
    assert refusal(response).role == "Client"
    assert platform.received_by_debtor() == before


def test_the_nonce_table_stays_bounded_over_many_calls(platform, monkeypatch):
    """The platform prunes its replay nonces itself (one insert in NONCE_PRUNE_EVERY), so over
    calls spread across four time windows it keeps about two windows' worth, not every call."""
    from bibdebitor.broker import gate
    from bibdebitor.broker.models import SeenNonce

    monkeypatch.setattr(gate, "NONCE_PRUNE_EVERY", 50)
    platform.approved_agreement()
    body = platform.registration()
    start = dt.datetime.now(dt.UTC)
    calls, spacing = 400, dt.timedelta(seconds=3)  # 20 minutes: four windows of five
    for number in range(calls):
        at = start + number * spacing
        gate.admit(Service.REGISTRATION, sign(body, LIBRARY, now=at), at)
    in_two_windows = int(2 * gate.WINDOW / spacing)
    assert 0 < SeenNonce.objects.count() <= in_two_windows + 50 < calls


def test_the_gate_routes_on_the_header_and_the_receiver_validates_the_body(platform):
    """The platform checks the header against its schema and routes on it; a body the schema
    refuses reaches the receiver, whose refusal (a Client fault) comes back unchanged."""
    platform.approved_agreement()
    unsigned = platform.registration(amount=12_500)
    assert unsigned.count(b">12500<") == 2  # the claim's amount and its sub-claim's
    zero = sign(unsigned.replace(b">12500<", b">0<"), LIBRARY)
    before = platform.received_by_debtor()
    response = platform.post(zero)
    assert response.status_code == 400, response.text
    fault = refusal(response)
    assert (fault.role, fault.code) == ("Client", "schema_invalid")
    assert platform.outcomes()[-1] == "forwarded"
    assert platform.received_by_debtor() == before


def test_a_header_the_schema_refuses_is_refused_at_the_gate(platform):
    platform.approved_agreement()
    unsigned = platform.registration()
    broken = unsigned.replace(b"<TransaktionsID>", b"<TransaktionsID>x", 1)
    fault = assert_refused(platform, platform.post(sign(broken, LIBRARY)), 400, "schema_invalid")
    assert "TransaktionsID" in str(fault)
