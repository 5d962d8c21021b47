import datetime as dt
import uuid
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibdebitor.protocol.codec import (
    SchemaError,
    SoapFault,
    decode_receipt,
    decode_request,
    encode,
    encode_fault,
)
from bibdebitor.protocol.messages import (
    BusinessReceipt,
    CoverageRegistration,
    CoverageRequest,
    CreateAccounts,
    EventReceipt,
    Outcome,
    Party,
    RegistrationRequest,
    Service,
)
from bibdebitor.protocol.safexml import ProtocolError

from .samples import AT, DEBTOR, LIBRARY, coverage, header, new_claim, receipt, registration


def test_registration_round_trips_with_every_operation_and_danish_text():
    message = registration()
    data = encode(message)
    assert "Søren Ærø Åberg".encode() in data
    assert "GENÅBN".encode() in data
    assert b"<Postnummer>2800</Postnummer>" in data.replace(b"ns0:", b"")
    assert decode_request(data) == message


def test_the_liable_party_travels_with_name_and_address():
    """Seed 003, "Lånere uden CPR-nr.": "samtidigt vil navn og adresse fra FBS bliver sendt
    med": the debtor system cannot look a substitute CPR up in the CPR register, so the
    address the library holds goes on the wire (for every party: the reference debtor system
    has no CPR register either)."""
    message = registration()
    decoded = decode_request(encode(message))
    party = decoded.operations[0].accounts[0].liable
    assert (party.street, party.postcode, party.city) == (
        "Østergade 1, 2. th.",
        "2800",
        "Kongens Lyngby",
    )


def test_coverage_round_trips_with_every_kind():
    message = coverage()
    assert decode_request(encode(message)) == message


@pytest.mark.parametrize("service", list(Service))
def test_receipts_round_trip_for_both_services(service):
    message = receipt(service)
    assert decode_receipt(encode(message), service) == message


def test_a_receipt_for_the_other_service_is_refused():
    data = encode(receipt(Service.COVERAGE))
    with pytest.raises(ProtocolError) as refused:
        decode_receipt(data, Service.REGISTRATION)
    assert refused.value.code == "wrong_receipt"


def test_event_ids_list_every_event_in_order():
    message = registration()
    ids = message.event_ids()
    assert len(ids) == 6
    accounts = message.operations[0].accounts
    assert ids[:3] == [c.event_id for a in accounts for c in a.claims]


def test_encoding_refuses_what_the_schema_refuses():
    with pytest.raises(SchemaError):
        encode(RegistrationRequest(header(), (CreateAccounts(()),)))  # no account
    account = registration().operations[0].accounts[0]
    too_long = replace(new_claim(), description="x" * 101)
    longer = replace(account, claims=(too_long,))
    with pytest.raises(SchemaError) as refused:
        encode(RegistrationRequest(header(), (CreateAccounts((longer,)),)))
    assert "Beskrivelse" in refused.value.detail


def test_a_party_has_exactly_one_of_cpr_and_cvr():
    with pytest.raises(ValueError, match="exactly one"):
        Party()
    with pytest.raises(ValueError, match="exactly one"):
        Party(cpr="1505751007", cvr="29189129")


def test_receiver_validates_incoming_messages_against_the_schema():
    data = encode(registration()).replace(b"<Bel\xc3\xb8b>12550<", b"<Bel\xc3\xb8b>-12550<")
    with pytest.raises(SchemaError) as refused:
        decode_request(data)
    assert refused.value.code == "schema_invalid"


def test_a_zero_amount_is_refused_by_the_schema():
    zero = CoverageRequest(
        header(),
        (
            CoverageRegistration(
                uuid.uuid4(),
                "a",
                coverage().registrations[0].kind,
                dt.date(2026, 1, 1),
                claim_id="c",
                amount_ore=0,
            ),
        ),
    )
    with pytest.raises(SchemaError):
        encode(zero)


def test_soap_fault_is_raised_with_role_and_code():
    data = encode_fault(SoapFault("Client", "ukendt_afsender", "Afsenderen er ikke kendt"))
    with pytest.raises(SoapFault) as fault:
        decode_receipt(data, Service.REGISTRATION)
    assert fault.value.is_client_error
    assert fault.value.code == "ukendt_afsender"
    assert "Afsenderen er ikke kendt" in fault.value.message


def test_only_a_soap_envelope_with_one_body_element_is_accepted():
    with pytest.raises(ProtocolError) as refused:
        decode_request(b"<?xml version='1.0'?><a/>")
    assert refused.value.code == "not_soap"
    empty = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>'
    )
    with pytest.raises(ProtocolError) as refused:
        decode_request(empty)
    assert refused.value.code == "soap_body"


def test_a_receipt_is_not_a_request():
    with pytest.raises(ProtocolError) as refused:
        decode_request(encode(receipt()))
    assert refused.value.code == "not_a_request"


texts = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=("L", "N", "P", "Zs"), exclude_characters="\r"
    ),
    max_size=100,
).map(str.strip)


@given(
    text=texts,
    amount=st.integers(min_value=1, max_value=99_999_999_999),
    cpr=st.from_regex(r"\A[0-9]{10}\Z"),
)
def test_any_text_and_amount_round_trips(text, amount, cpr):
    message = CoverageRequest(
        header(),
        (
            CoverageRegistration(
                uuid.uuid4(),
                "717300-1",
                coverage().registrations[0].kind,
                dt.date(2026, 2, 28),
                claim_id="717300-9",
                amount_ore=amount,
                text=text,
            ),
        ),
    )
    assert decode_request(encode(message)) == message
    reply = BusinessReceipt(
        Service.COVERAGE,
        message.header.reply(AT),
        (EventReceipt(uuid.uuid4(), Outcome.REJECTED, code="X", text=text),),
    )
    assert decode_receipt(encode(reply), Service.COVERAGE) == reply
    assert Party(cpr=cpr).cpr == cpr


def test_header_reply_swaps_sender_and_receiver():
    original = header()
    reply = original.reply(AT)
    assert (reply.sender, reply.receiver) == (DEBTOR, LIBRARY)
    assert reply.transaction_id == original.transaction_id
