"""Typed messages to SOAP 1.1 envelopes and back, validated against our XSDs on both ways.

``encode`` refuses to produce a message the schema rejects; ``decode_*`` parse safely
(``safexml``), check the envelope, validate the body and return typed objects. A SOAP fault in
an answer is raised as ``SoapFault``: ``Client`` faults are the caller's (do not retry),
``Server`` faults are the receiver's (retry later).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from lxml import etree

from bibdebitor.domain.errors import gettext_noop
from bibdebitor.protocol.messages import (
    Account,
    BusinessReceipt,
    ChangeClaimState,
    ChangeLiableParty,
    ClassRef,
    CoverageKind,
    CoverageRegistration,
    CoverageRequest,
    CreateAccounts,
    EventReceipt,
    Header,
    Message,
    NewClaim,
    Operation,
    Outcome,
    Party,
    RegistrationRequest,
    Service,
    StateAction,
    SubClaim,
    SystemRef,
)
from bibdebitor.protocol.safexml import MAX_MESSAGE_BYTES, ProtocolError, parse

NS = "urn:bibdebitor:sf1590:1"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
CONTENT_TYPE = "text/xml; charset=utf-8"
_NSMAP = {"soap": SOAP_NS}  # the body element declares NS as its default


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _soap(name: str) -> str:
    return f"{{{SOAP_NS}}}{name}"


# The HTTP status of a ``Client`` fault (the caller's mistake). SOAP 1.1 services often answer
# 500 for every fault; we keep 500 for our own failures, as SOAP 1.2 does for Sender faults.
CALLER_ERROR = 400


class SoapFault(ProtocolError):
    """A SOAP fault: ``role`` is "Client" (the request is wrong) or "Server"."""

    def __init__(self, role: str, code: str, message: str) -> None:
        super().__init__(code, message)
        self.role = role

    @property
    def is_client_error(self) -> bool:
        return self.role == "Client"


# --- schemas ------------------------------------------------------------------------------


@cache
def _schema(file_name: str) -> etree.XMLSchema:
    path = files("bibdebitor.protocol") / "xsd" / file_name
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


_SCHEMA_FILES = {
    "DebitorRegistreringAfsend_I": "debitorregistrering.xsd",
    "DebitorRegistreringAfsend_O": "debitorregistrering.xsd",
    "DækningAfskrivningRegistreringAfsend_I": "daekningafskrivning.xsd",
    "DækningAfskrivningRegistreringAfsend_O": "daekningafskrivning.xsd",
}


def validate(body: etree._Element) -> None:
    """Check a body element against its schema; raise ``ProtocolError`` naming the first error."""
    name = etree.QName(body)
    if name.namespace != NS or name.localname not in _SCHEMA_FILES:
        raise ProtocolError("unknown_message", gettext_noop("The message type is not known."))
    schema = _schema(_SCHEMA_FILES[name.localname])
    if not schema.validate(etree.ElementTree(body)):
        error = schema.error_log.last_error
        raise SchemaError(f"line {error.line}: {_without_values(error.message)}")


def _without_values(detail: str) -> str:
    """libxml2 quotes the offending value (a CPR number, say); keep only element names."""
    return re.sub(r"('\{[^']*')|'[^']*'", lambda m: m.group(1) or "'…'", detail)


class SchemaError(ProtocolError):
    def __init__(self, detail: str) -> None:
        super().__init__("schema_invalid", gettext_noop("The message does not follow the schema."))
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})"


# --- encoding -----------------------------------------------------------------------------


def _add(parent: etree._Element, name: str, text: object | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if text is not None:
        element.text = str(text)
    return element


def _header(parent: etree._Element, header: Header) -> None:
    element = _add(parent, "Hovedoplysninger")
    _add(element, "TransaktionsID", header.transaction_id)
    _add(element, "TransaktionsTid", header.transaction_time.isoformat())
    for name, system in (("Afsender", header.sender), ("Modtager", header.receiver)):
        side = _add(element, name)
        _add(side, "OrganisationUUID", system.organisation)
        _add(side, "ITSystemInstansUUID", system.it_system_instance)


def _class_ref(parent: etree._Element, name: str, ref: ClassRef) -> None:
    element = _add(parent, name)
    _add(element, "KlasseUUID", ref.uuid)
    _add(element, "BrugervendtNøgle", ref.user_key)


def _party(parent: etree._Element, party: Party) -> None:
    element = _add(parent, "JuridiskAnsvarlig")
    if party.cpr:
        person = _add(element, "Person")
        _add(person, "CPRNummer", party.cpr)
        if party.name:
            _add(person, "Navn", party.name)
        _address(person, party)
        return
    company = _add(element, "Virksomhed")
    _add(company, "CVRNummer", party.cvr)
    for name, value in (
        ("PNummer", party.p_number),
        ("EANNummer", party.gln),
        ("Navn", party.name),
    ):
        if value:
            _add(company, name, value)
    _address(company, party)


def _address(parent: etree._Element, party: Party) -> None:
    parts = (("Vejadresse", party.street), ("Postnummer", party.postcode), ("Bynavn", party.city))
    if not any(value for _name, value in parts):
        return
    element = _add(parent, "Adresse")
    for name, value in parts:
        if value:
            _add(element, name, value)


def _new_claim(parent: etree._Element, claim: NewClaim) -> None:
    element = _add(parent, "Fordring")
    _add(element, "HændelseID", claim.event_id)
    _add(element, "FordringID", claim.claim_id)
    _class_ref(element, "Fordringskravtype", claim.claim_type)
    _add(element, "Beløb", claim.amount_ore)
    _add(element, "Stiftelsesdato", claim.founded_on.isoformat())
    _add(element, "Forfaldsdato", claim.due_date.isoformat())
    _add(element, "SidsteRettidigeBetalingsdato", claim.last_timely_payment_date.isoformat())
    _add(element, "Beskrivelse", claim.description)
    for sub in claim.sub_claims:
        sub_element = _add(element, "Delfordring")
        _add(sub_element, "DelfordringID", sub.sub_claim_id)
        _add(sub_element, "Beløb", sub.amount_ore)
        _add(sub_element, "Beskrivelse", sub.description)


def _create_accounts(parent: etree._Element, operation: CreateAccounts) -> None:
    element = _add(parent, "OpretDebitorkonto")
    for account in operation.accounts:
        account_element = _add(element, "Debitorkonto")
        _add(account_element, "DebitorkontoReference", account.reference)
        _class_ref(account_element, "DebitorkontoType", account.account_type)
        _add(account_element, "OrganisatoriskEnhedUUID", account.org_unit)
        _party(account_element, account.liable)
        for claim in account.claims:
            _new_claim(account_element, claim)


def _change_claim_state(parent: etree._Element, operation: ChangeClaimState) -> None:
    element = _add(parent, "RetFordringTilstand")
    _add(element, "HændelseID", operation.event_id)
    _add(element, "DebitorkontoReference", operation.account_reference)
    _add(element, "FordringID", operation.claim_id)
    _add(element, "Handling", operation.action.value)
    if operation.amount_ore is not None:
        _add(element, "Beløb", operation.amount_ore)
    _add(element, "Virkningsdato", operation.effective_on.isoformat())
    if operation.reason:
        _add(element, "Årsag", operation.reason)


def _change_liable_party(parent: etree._Element, operation: ChangeLiableParty) -> None:
    element = _add(parent, "SkiftJuridiskAnsvarlig")
    _add(element, "HændelseID", operation.event_id)
    _add(element, "DebitorkontoReference", operation.account_reference)
    _party(element, operation.liable)
    _add(element, "Virkningsdato", operation.effective_on.isoformat())


_OPERATION_ENCODERS: dict[type, Callable[[etree._Element, Operation], None]] = {
    CreateAccounts: _create_accounts,  # type: ignore[dict-item]
    ChangeClaimState: _change_claim_state,  # type: ignore[dict-item]
    ChangeLiableParty: _change_liable_party,  # type: ignore[dict-item]
}


def _registration_request(body: etree._Element, message: RegistrationRequest) -> etree._Element:
    element = etree.SubElement(body, _q("DebitorRegistreringAfsend_I"), nsmap={None: NS})
    _header(element, message.header)
    for operation in message.operations:
        _OPERATION_ENCODERS[type(operation)](element, operation)
    return element


def _coverage_request(body: etree._Element, message: CoverageRequest) -> etree._Element:
    element = etree.SubElement(body, _q("DækningAfskrivningRegistreringAfsend_I"), nsmap={None: NS})
    _header(element, message.header)
    for registration in message.registrations:
        item = _add(element, "DækningAfskrivningRegistrering")
        _add(item, "RegistreringID", registration.registration_id)
        _add(item, "DebitorkontoReference", registration.account_reference)
        if registration.claim_id:
            _add(item, "FordringID", registration.claim_id)
        _add(item, "Art", registration.kind.value)
        if registration.amount_ore is not None:
            _add(item, "Beløb", registration.amount_ore)
        _add(item, "Virkningsdato", registration.effective_on.isoformat())
        if registration.text:
            _add(item, "Tekst", registration.text)
    return element


def _business_receipt(body: etree._Element, message: BusinessReceipt) -> etree._Element:
    element = etree.SubElement(body, _q(f"{message.service.value}_O"), nsmap={None: NS})
    _header(element, message.header)
    receipt = _add(element, "Forretningskvittering")
    for line in message.lines:
        item = _add(receipt, "HændelseKvittering")
        _add(item, "HændelseID", line.event_id)
        if line.claim_id:
            _add(item, "FordringID", line.claim_id)
        _add(item, "Resultat", line.outcome.value)
        if line.code:
            _add(item, "FejlKode", line.code)
        if line.text:
            _add(item, "FejlTekst", line.text)
    return element


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(_soap("Envelope"), nsmap=_NSMAP)
    body = etree.SubElement(envelope, _soap("Body"))
    return envelope, body


def _serialise(envelope: etree._Element) -> bytes:
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def encode(message: Message) -> bytes:
    """The SOAP envelope for a message, after checking it against the schema."""
    envelope, body = _envelope()
    if isinstance(message, RegistrationRequest):
        element = _registration_request(body, message)
    elif isinstance(message, CoverageRequest):
        element = _coverage_request(body, message)
    else:
        element = _business_receipt(body, message)
    validate(element)
    return _serialise(envelope)


def encode_fault(fault: SoapFault) -> bytes:
    """A SOAP 1.1 fault; ``detail`` carries our error code for programs."""
    envelope, body = _envelope()
    element = etree.SubElement(body, _soap("Fault"))
    etree.SubElement(element, "faultcode").text = f"soap:{fault.role}"
    etree.SubElement(element, "faultstring").text = str(fault)
    detail = etree.SubElement(element, "detail")
    etree.SubElement(detail, _q("FejlKode")).text = fault.code
    return _serialise(envelope)


# --- decoding -----------------------------------------------------------------------------


def _body_child(data: bytes, max_bytes: int) -> etree._Element:
    root = parse(data, max_bytes=max_bytes)
    if root.tag != _soap("Envelope"):
        raise ProtocolError("not_soap", gettext_noop("The message is not a SOAP 1.1 envelope."))
    bodies = root.findall(_soap("Body"))
    children = list(bodies[0]) if len(bodies) == 1 else []
    if len(children) != 1:
        raise ProtocolError(
            "soap_body", gettext_noop("The SOAP body must hold exactly one element.")
        )
    child = children[0]
    if child.tag == _soap("Fault"):
        raise _fault(child)
    validate(child)
    return child


def _fault(element: etree._Element) -> SoapFault:
    role = (element.findtext("faultcode") or "").rpartition(":")[2] or "Server"
    code = element.findtext(f"detail/{_q('FejlKode')}") or "soap_fault"
    return SoapFault(role, code, element.findtext("faultstring") or "")


def _text(element: etree._Element, name: str) -> str:
    return element.findtext(_q(name)) or ""


def _optional_int(element: etree._Element, name: str) -> int | None:
    text = element.findtext(_q(name))
    return None if text is None else int(text)


def _date(element: etree._Element, name: str) -> dt.date:
    return dt.date.fromisoformat(_text(element, name))


def _uuid(element: etree._Element, name: str) -> uuid.UUID:
    return uuid.UUID(_text(element, name))


def _decode_header(element: etree._Element) -> Header:
    header = element.find(_q("Hovedoplysninger"))

    def system(name: str) -> SystemRef:
        side = header.find(_q(name))
        return SystemRef(_uuid(side, "OrganisationUUID"), _uuid(side, "ITSystemInstansUUID"))

    return Header(
        transaction_id=_uuid(header, "TransaktionsID"),
        transaction_time=dt.datetime.fromisoformat(_text(header, "TransaktionsTid")),
        sender=system("Afsender"),
        receiver=system("Modtager"),
    )


def _decode_class_ref(element: etree._Element) -> ClassRef:
    return ClassRef(_uuid(element, "KlasseUUID"), _text(element, "BrugervendtNøgle"))


def _decode_party(element: etree._Element) -> Party:
    holder = element.find(_q("JuridiskAnsvarlig"))
    person = holder.find(_q("Person"))
    if person is not None:
        return Party(
            cpr=_text(person, "CPRNummer"), name=_text(person, "Navn"), **_decode_address(person)
        )
    company = holder.find(_q("Virksomhed"))
    return Party(
        cvr=_text(company, "CVRNummer"),
        p_number=_text(company, "PNummer"),
        gln=_text(company, "EANNummer"),
        name=_text(company, "Navn"),
        **_decode_address(company),
    )


def _decode_address(element: etree._Element) -> dict[str, str]:
    address = element.find(_q("Adresse"))
    if address is None:
        return {}
    return {
        "street": _text(address, "Vejadresse"),
        "postcode": _text(address, "Postnummer"),
        "city": _text(address, "Bynavn"),
    }


def _decode_new_claim(element: etree._Element) -> NewClaim:
    return NewClaim(
        event_id=_uuid(element, "HændelseID"),
        claim_id=_text(element, "FordringID"),
        claim_type=_decode_class_ref(element.find(_q("Fordringskravtype"))),
        amount_ore=int(_text(element, "Beløb")),
        founded_on=_date(element, "Stiftelsesdato"),
        due_date=_date(element, "Forfaldsdato"),
        last_timely_payment_date=_date(element, "SidsteRettidigeBetalingsdato"),
        description=_text(element, "Beskrivelse"),
        sub_claims=tuple(
            SubClaim(
                _text(sub, "DelfordringID"), int(_text(sub, "Beløb")), _text(sub, "Beskrivelse")
            )
            for sub in element.iterfind(_q("Delfordring"))
        ),
    )


def _decode_create_accounts(element: etree._Element) -> CreateAccounts:
    return CreateAccounts(
        tuple(
            Account(
                reference=_text(account, "DebitorkontoReference"),
                account_type=_decode_class_ref(account.find(_q("DebitorkontoType"))),
                org_unit=_uuid(account, "OrganisatoriskEnhedUUID"),
                liable=_decode_party(account),
                claims=tuple(_decode_new_claim(c) for c in account.iterfind(_q("Fordring"))),
            )
            for account in element.iterfind(_q("Debitorkonto"))
        )
    )


def _decode_change_claim_state(element: etree._Element) -> ChangeClaimState:
    return ChangeClaimState(
        event_id=_uuid(element, "HændelseID"),
        account_reference=_text(element, "DebitorkontoReference"),
        claim_id=_text(element, "FordringID"),
        action=StateAction(_text(element, "Handling")),
        amount_ore=_optional_int(element, "Beløb"),
        effective_on=_date(element, "Virkningsdato"),
        reason=_text(element, "Årsag"),
    )


def _decode_change_liable_party(element: etree._Element) -> ChangeLiableParty:
    return ChangeLiableParty(
        event_id=_uuid(element, "HændelseID"),
        account_reference=_text(element, "DebitorkontoReference"),
        liable=_decode_party(element),
        effective_on=_date(element, "Virkningsdato"),
    )


_OPERATION_DECODERS: dict[str, Callable[[etree._Element], Operation]] = {
    _q("OpretDebitorkonto"): _decode_create_accounts,
    _q("RetFordringTilstand"): _decode_change_claim_state,
    _q("SkiftJuridiskAnsvarlig"): _decode_change_liable_party,
}


def _decode_registration(element: etree._Element) -> RegistrationRequest:
    operations = tuple(
        _OPERATION_DECODERS[child.tag](child)
        for child in element
        if child.tag in _OPERATION_DECODERS
    )
    return RegistrationRequest(_decode_header(element), operations)


def _decode_coverage(element: etree._Element) -> CoverageRequest:
    return CoverageRequest(
        _decode_header(element),
        tuple(
            CoverageRegistration(
                registration_id=_uuid(item, "RegistreringID"),
                account_reference=_text(item, "DebitorkontoReference"),
                claim_id=_text(item, "FordringID"),
                kind=CoverageKind(_text(item, "Art")),
                amount_ore=_optional_int(item, "Beløb"),
                effective_on=_date(item, "Virkningsdato"),
                text=_text(item, "Tekst"),
            )
            for item in element.iterfind(_q("DækningAfskrivningRegistrering"))
        ),
    )


def _decode_receipt(element: etree._Element, service: Service) -> BusinessReceipt:
    lines = tuple(
        EventReceipt(
            event_id=_uuid(item, "HændelseID"),
            outcome=Outcome(_text(item, "Resultat")),
            claim_id=_text(item, "FordringID"),
            code=_text(item, "FejlKode"),
            text=_text(item, "FejlTekst"),
        )
        for item in element.find(_q("Forretningskvittering"))
    )
    return BusinessReceipt(service, _decode_header(element), lines)


@dataclass(frozen=True, slots=True)
class _Decoder:
    service: Service
    decode: Callable[[etree._Element], Message]


_REQUESTS = {
    _q("DebitorRegistreringAfsend_I"): _Decoder(Service.REGISTRATION, _decode_registration),
    _q("DækningAfskrivningRegistreringAfsend_I"): _Decoder(Service.COVERAGE, _decode_coverage),
}


def decode_request(
    data: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES
) -> RegistrationRequest | CoverageRequest:
    child = _body_child(data, max_bytes)
    decoder = _REQUESTS.get(child.tag)
    if decoder is None:
        raise ProtocolError("not_a_request", gettext_noop("The message is not a request."))
    return decoder.decode(child)  # type: ignore[return-value]


def decode_receipt(
    data: bytes, service: Service, *, max_bytes: int = MAX_MESSAGE_BYTES
) -> BusinessReceipt:
    """The business receipt answering ``service``; a SOAP fault is raised as ``SoapFault``."""
    child = _body_child(data, max_bytes)
    if child.tag != _q(f"{service.value}_O"):
        raise ProtocolError(
            "wrong_receipt", gettext_noop("The answer is not a receipt for this service.")
        )
    return _decode_receipt(child, service)
