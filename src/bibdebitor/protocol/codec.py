"""Typed messages to SOAP 1.1 envelopes and back, validated against our XSDs on both ways.

``encode`` refuses to produce a message the schema rejects; ``decode_*`` parse safely
(``safexml``), check the envelope, validate the body and return typed objects. A SOAP fault in
an answer is raised as ``SoapFault``: ``Client`` faults are the caller's (do not retry),
``Server`` faults are the receiver's (retry later).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable
from html import escape
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
from bibdebitor.protocol.safexml import MAX_MESSAGE_BYTES, SCHEMA_BUILDING, ProtocolError, parse
from bibdebitor.protocol.values import class_ref, shared_uuid, uuid_from_text

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


# A schema object per thread (it keeps the error log of its last validation), built one at a
# time (SCHEMA_BUILDING).
_schemas = threading.local()


def _schema(file_name: str) -> etree.XMLSchema:
    built: dict[str, etree.XMLSchema] = _schemas.__dict__.setdefault("by_file", {})
    if file_name not in built:
        path = files("bibdebitor.protocol") / "xsd" / file_name
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        with SCHEMA_BUILDING:
            built[file_name] = etree.XMLSchema(etree.parse(str(path), parser))
    return built[file_name]


_SCHEMA_FILES = {
    "DebitorRegistreringAfsend_I": "debitorregistrering.xsd",
    "DebitorRegistreringAfsend_O": "debitorregistrering.xsd",
    "DækningAfskrivningRegistreringAfsend_I": "daekningafskrivning.xsd",
    "DækningAfskrivningRegistreringAfsend_O": "daekningafskrivning.xsd",
    "Hovedoplysninger": "hovedoplysninger.xsd",
}


def validate(body: etree._Element) -> None:
    """Check a body element against its schema; raise ``ProtocolError`` naming the first error."""
    name = etree.QName(body)
    if name.namespace != NS or name.localname not in _SCHEMA_FILES:
        raise ProtocolError("unknown_message", gettext_noop("The message type is not known."))
    schema = _schema(_SCHEMA_FILES[name.localname])
    if not schema.validate(etree.ElementTree(body)):
        error = schema.error_log.last_error  # type: ignore[attr-defined]  # lxml-stubs: _ErrorLog is declared empty
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
#
# Messages are written as text, not built an element at a time: at 500 claims a message,
# lxml's per-element calls cost five times what parsing the result does. Every value that
# is not a number, a date, a UUID or an enumeration's own value goes through ``_text``
# (XML's three special characters and the carriage return escaped), and the result is parsed
# and checked against the schema before it leaves ``encode``: what the schema refuses, or
# text XML cannot carry, is never sent.


def _text(value: str) -> str:
    return escape(value, quote=False).replace("\r", "&#13;")


def _header(header: Header) -> str:
    return (
        "<Hovedoplysninger>"
        f"<TransaktionsID>{header.transaction_id}</TransaktionsID>"
        f"<TransaktionsTid>{header.transaction_time.isoformat()}</TransaktionsTid>"
        f"<Afsender>{_system(header.sender)}</Afsender>"
        f"<Modtager>{_system(header.receiver)}</Modtager>"
        "</Hovedoplysninger>"
    )


def _system(system: SystemRef) -> str:
    return (
        f"<OrganisationUUID>{system.organisation}</OrganisationUUID>"
        f"<ITSystemInstansUUID>{system.it_system_instance}</ITSystemInstansUUID>"
    )


def _class_ref(name: str, ref: ClassRef) -> str:
    return (
        f"<{name}><KlasseUUID>{ref.uuid}</KlasseUUID>"
        f"<BrugervendtNøgle>{_text(ref.user_key)}</BrugervendtNøgle></{name}>"
    )


def _optional(name: str, value: str) -> str:
    return f"<{name}>{_text(value)}</{name}>" if value else ""


def _party(party: Party) -> str:
    if party.cpr:
        return (
            f"<JuridiskAnsvarlig><Person><CPRNummer>{_text(party.cpr)}</CPRNummer>"
            f"{_optional('Navn', party.name)}{_address(party)}</Person></JuridiskAnsvarlig>"
        )
    return (
        f"<JuridiskAnsvarlig><Virksomhed><CVRNummer>{_text(party.cvr)}</CVRNummer>"
        f"{_optional('PNummer', party.p_number)}{_optional('EANNummer', party.gln)}"
        f"{_optional('Navn', party.name)}{_address(party)}</Virksomhed></JuridiskAnsvarlig>"
    )


def _address(party: Party) -> str:
    if not (party.street or party.postcode or party.city):
        return ""
    return (
        f"<Adresse>{_optional('Vejadresse', party.street)}"
        f"{_optional('Postnummer', party.postcode)}{_optional('Bynavn', party.city)}</Adresse>"
    )


def claim_xml(claim: NewClaim) -> str:
    """A claim's ``Fordring`` element, as it stands in a request."""
    subs = "".join(
        f"<Delfordring><DelfordringID>{_text(sub.sub_claim_id)}</DelfordringID>"
        f"<Beløb>{int(sub.amount_ore)}</Beløb>"
        f"<Beskrivelse>{_text(sub.description)}</Beskrivelse></Delfordring>"
        for sub in claim.sub_claims
    )
    return (
        f"<Fordring><HændelseID>{claim.event_id}</HændelseID>"
        f"<FordringID>{_text(claim.claim_id)}</FordringID>"
        f"{_class_ref('Fordringskravtype', claim.claim_type)}"
        f"<Beløb>{int(claim.amount_ore)}</Beløb>"
        f"<Stiftelsesdato>{claim.founded_on.isoformat()}</Stiftelsesdato>"
        f"<Forfaldsdato>{claim.due_date.isoformat()}</Forfaldsdato>"
        f"<SidsteRettidigeBetalingsdato>{claim.last_timely_payment_date.isoformat()}"
        "</SidsteRettidigeBetalingsdato>"
        f"<Beskrivelse>{_text(claim.description)}</Beskrivelse>{subs}</Fordring>"
    )


def account_xml(account: Account) -> str:
    """What a ``Debitorkonto`` element holds before its claims (the account's own data)."""
    return (
        f"<DebitorkontoReference>{_text(account.reference)}</DebitorkontoReference>"
        f"{_class_ref('DebitorkontoType', account.account_type)}"
        f"<OrganisatoriskEnhedUUID>{account.org_unit}</OrganisatoriskEnhedUUID>"
        f"{_party(account.liable)}"
    )


def create_accounts_xml(accounts: Iterable[tuple[str, Iterable[str]]]) -> str:
    """An ``OpretDebitorkonto`` of accounts given as (``account_xml``, their ``claim_xml``s)."""
    content = "".join(
        f"<Debitorkonto>{account}{''.join(claims)}</Debitorkonto>" for account, claims in accounts
    )
    return f"<OpretDebitorkonto>{content}</OpretDebitorkonto>"


def _create_accounts(operation: CreateAccounts) -> str:
    return create_accounts_xml(
        (account_xml(account), map(claim_xml, account.claims)) for account in operation.accounts
    )


def _change_claim_state(operation: ChangeClaimState) -> str:
    amount = "" if operation.amount_ore is None else f"<Beløb>{int(operation.amount_ore)}</Beløb>"
    return (
        f"<RetFordringTilstand><HændelseID>{operation.event_id}</HændelseID>"
        f"<DebitorkontoReference>{_text(operation.account_reference)}</DebitorkontoReference>"
        f"<FordringID>{_text(operation.claim_id)}</FordringID>"
        f"<Handling>{operation.action.value}</Handling>{amount}"
        f"<Virkningsdato>{operation.effective_on.isoformat()}</Virkningsdato>"
        f"{_optional('Årsag', operation.reason)}</RetFordringTilstand>"
    )


def _change_liable_party(operation: ChangeLiableParty) -> str:
    return (
        f"<SkiftJuridiskAnsvarlig><HændelseID>{operation.event_id}</HændelseID>"
        f"<DebitorkontoReference>{_text(operation.account_reference)}</DebitorkontoReference>"
        f"{_party(operation.liable)}"
        f"<Virkningsdato>{operation.effective_on.isoformat()}</Virkningsdato>"
        "</SkiftJuridiskAnsvarlig>"
    )


def operation_xml(operation: Operation) -> str:
    """An operation's element, as it stands in a request."""
    if isinstance(operation, CreateAccounts):
        return _create_accounts(operation)
    if isinstance(operation, ChangeClaimState):
        return _change_claim_state(operation)
    return _change_liable_party(operation)


def _coverage_registration(item: CoverageRegistration) -> str:
    amount = "" if item.amount_ore is None else f"<Beløb>{int(item.amount_ore)}</Beløb>"
    return (
        f"<DækningAfskrivningRegistrering><RegistreringID>{item.registration_id}"
        f"</RegistreringID><DebitorkontoReference>{_text(item.account_reference)}"
        f"</DebitorkontoReference>{_optional('FordringID', item.claim_id)}"
        f"<Art>{item.kind.value}</Art>{amount}"
        f"<Virkningsdato>{item.effective_on.isoformat()}</Virkningsdato>"
        f"{_optional('Tekst', item.text)}</DækningAfskrivningRegistrering>"
    )


def _event_receipt(line: EventReceipt) -> str:
    claim = f"<FordringID>{_text(line.claim_id)}</FordringID>" if line.claim_id else ""
    error = (
        f"{_optional('FejlKode', line.code)}{_optional('FejlTekst', line.text)}"
        if line.code or line.text
        else ""
    )
    return (
        f"<HændelseKvittering><HændelseID>{line.event_id}</HændelseID>{claim}"
        f"<Resultat>{line.outcome.value}</Resultat>{error}</HændelseKvittering>"
    )


_REGISTRATION = f"{Service.REGISTRATION.value}_I"


def _body(message: Message) -> tuple[str, str]:
    """The body element's name and content."""
    if isinstance(message, RegistrationRequest):
        operations = "".join(map(operation_xml, message.operations))
        return _REGISTRATION, _header(message.header) + operations
    if isinstance(message, CoverageRequest):
        items = "".join(map(_coverage_registration, message.registrations))
        return "DækningAfskrivningRegistreringAfsend_I", _header(message.header) + items
    lines = "".join(map(_event_receipt, message.lines))
    receipt = f"<Forretningskvittering>{lines}</Forretningskvittering>"
    return f"{message.service.value}_O", _header(message.header) + receipt


_PROLOGUE = (
    f"<?xml version='1.0' encoding='UTF-8'?>\n<soap:Envelope xmlns:soap=\"{SOAP_NS}\"><soap:Body>"
)
_EPILOGUE = "</soap:Body></soap:Envelope>"


def encode(message: Message) -> bytes:
    """The SOAP envelope for a message, after checking it against the schema. Raises
    ``SchemaError`` for what the schema refuses and ``ValueError`` for text XML cannot carry
    (a control character, say)."""
    return _checked(*_body(message))


def encode_registration(header: Header, operations: Iterable[str]) -> bytes:
    """``encode`` for a registration whose operations were written before (``operation_xml``,
    ``create_accounts_xml``): the outbox keeps each message's XML from the moment it was
    enqueued, and a batch is put together from it."""
    return _checked(_REGISTRATION, _header(header) + "".join(operations))


def _checked(name: str, content: str) -> bytes:
    data = f'{_PROLOGUE}<{name} xmlns="{NS}">{content}</{name}>{_EPILOGUE}'.encode()
    try:
        envelope = parse(data)
    except ProtocolError:
        raise ValueError("text that XML cannot carry") from None
    validate(envelope[0][0])
    return data


def encode_fault(fault: SoapFault) -> bytes:
    """A SOAP 1.1 fault; ``detail`` carries our error code for programs."""
    envelope = etree.Element(_soap("Envelope"), nsmap=_NSMAP)
    element = etree.SubElement(etree.SubElement(envelope, _soap("Body")), _soap("Fault"))
    etree.SubElement(element, "faultcode").text = f"soap:{fault.role}"
    etree.SubElement(element, "faultstring").text = str(fault)
    detail = etree.SubElement(element, "detail")
    etree.SubElement(detail, _q("FejlKode")).text = fault.code
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


# --- decoding -----------------------------------------------------------------------------
#
# A body is validated before it is decoded, so every element the schema requires is there,
# in the schema's namespace and order. Sequences without optional members are unpacked by
# position (a lookup by name would create a proxy and a tag string for every child); those
# with optional members are read once into a dict by local name.

_CUT = len(NS) + 2  # "{" + NS + "}"
_PERSON = _q("Person")
_ADDRESS = _q("Adresse")


def _body_child(data: bytes, max_bytes: int) -> etree._Element:
    child = _envelope_child(data, max_bytes)
    validate(child)
    return child


def _envelope_child(data: bytes, max_bytes: int) -> etree._Element:
    """The one element of the SOAP body (a fault raised as ``SoapFault``), not validated."""
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
    return child


def _fault(element: etree._Element) -> SoapFault:
    role = (element.findtext("faultcode") or "").rpartition(":")[2] or "Server"
    code = element.findtext(f"detail/{_q('FejlKode')}") or "soap_fault"
    return SoapFault(role, code, element.findtext("faultstring") or "")


def _children(elements: Iterable[etree._Element]) -> dict[str, str]:
    """The elements' texts by local name (the last of repeated ones)."""
    return {element.tag[_CUT:]: element.text or "" for element in elements}


def _optional_int(fields: dict[str, str], name: str) -> int | None:
    text = fields.get(name)
    return None if text is None else int(text)


def _date(element: etree._Element) -> dt.date:
    return dt.date.fromisoformat(element.text or "")


def _decode_header(element: etree._Element) -> Header:
    transaction_id, transaction_time, sender, receiver = element
    return Header(
        transaction_id=uuid_from_text(transaction_id.text),
        transaction_time=dt.datetime.fromisoformat(transaction_time.text or ""),
        sender=_decode_system(sender),
        receiver=_decode_system(receiver),
    )


def _decode_system(element: etree._Element) -> SystemRef:
    organisation, instance = element
    return SystemRef(shared_uuid(organisation.text), shared_uuid(instance.text))


def _decode_class_ref(element: etree._Element) -> ClassRef:
    class_uuid, user_key = element
    return class_ref(class_uuid.text, user_key.text)


def _decode_party(element: etree._Element) -> Party:
    (holder,) = element  # the schema's choice: a person or a company
    number, *rest = holder  # the number, optional fields, and last an optional address
    address = _decode_address(rest.pop()) if rest and rest[-1].tag == _ADDRESS else {}
    fields = _children(rest)
    if holder.tag == _PERSON:
        return Party(cpr=number.text or "", name=fields.get("Navn", ""), **address)
    return Party(
        cvr=number.text or "",
        p_number=fields.get("PNummer", ""),
        gln=fields.get("EANNummer", ""),
        name=fields.get("Navn", ""),
        **address,
    )


def _decode_address(element: etree._Element) -> dict[str, str]:
    parts = _children(element)
    return {
        "street": parts.get("Vejadresse", ""),
        "postcode": parts.get("Postnummer", ""),
        "city": parts.get("Bynavn", ""),
    }


def _decode_new_claim(element: etree._Element) -> NewClaim:
    event_id, claim_id, claim_type, amount, founded_on, due, last_timely, text, *subs = element
    return NewClaim(
        event_id=uuid_from_text(event_id.text),
        claim_id=claim_id.text or "",
        claim_type=_decode_class_ref(claim_type),
        amount_ore=int(amount.text or ""),
        founded_on=_date(founded_on),
        due_date=_date(due),
        last_timely_payment_date=_date(last_timely),
        description=text.text or "",
        sub_claims=tuple(map(_decode_sub_claim, subs)),
    )


def _decode_sub_claim(element: etree._Element) -> SubClaim:
    sub_claim_id, amount, description = element
    return SubClaim(sub_claim_id.text or "", int(amount.text or ""), description.text or "")


def _decode_account(element: etree._Element) -> Account:
    reference, account_type, org_unit, liable, *claims = element
    return Account(
        reference=reference.text or "",
        account_type=_decode_class_ref(account_type),
        org_unit=shared_uuid(org_unit.text),
        liable=_decode_party(liable),
        claims=tuple(map(_decode_new_claim, claims)),
    )


def _decode_create_accounts(element: etree._Element) -> CreateAccounts:
    return CreateAccounts(tuple(map(_decode_account, element)))


def _decode_change_claim_state(element: etree._Element) -> ChangeClaimState:
    event_id, *rest = element
    fields = _children(rest)
    return ChangeClaimState(
        event_id=uuid_from_text(event_id.text),
        account_reference=fields["DebitorkontoReference"],
        claim_id=fields["FordringID"],
        action=_ACTIONS[fields["Handling"]],
        amount_ore=_optional_int(fields, "Beløb"),
        effective_on=dt.date.fromisoformat(fields["Virkningsdato"]),
        reason=fields.get("Årsag", ""),
    )


def _decode_change_liable_party(element: etree._Element) -> ChangeLiableParty:
    event_id, account_reference, liable, effective_on = element
    return ChangeLiableParty(
        event_id=uuid_from_text(event_id.text),
        account_reference=account_reference.text or "",
        liable=_decode_party(liable),
        effective_on=_date(effective_on),
    )


# Enum members by value without the enum's call machinery.
_ACTIONS = {action.value: action for action in StateAction}
_KINDS = {kind.value: kind for kind in CoverageKind}
_OUTCOMES = {outcome.value: outcome for outcome in Outcome}

_OPERATION_DECODERS: dict[str, Callable[[etree._Element], Operation]] = {
    _q("OpretDebitorkonto"): _decode_create_accounts,
    _q("RetFordringTilstand"): _decode_change_claim_state,
    _q("SkiftJuridiskAnsvarlig"): _decode_change_liable_party,
}


def _decode_registration(element: etree._Element) -> RegistrationRequest:
    header, *operations = element
    decoded = tuple(_OPERATION_DECODERS[operation.tag](operation) for operation in operations)
    return RegistrationRequest(_decode_header(header), decoded)


def _decode_coverage_registration(element: etree._Element) -> CoverageRegistration:
    registration_id, account_reference, *rest = element
    fields = _children(rest)
    return CoverageRegistration(
        registration_id=uuid_from_text(registration_id.text),
        account_reference=account_reference.text or "",
        claim_id=fields.get("FordringID", ""),
        kind=_KINDS[fields["Art"]],
        amount_ore=_optional_int(fields, "Beløb"),
        effective_on=dt.date.fromisoformat(fields["Virkningsdato"]),
        text=fields.get("Tekst", ""),
    )


def _decode_coverage(element: etree._Element) -> CoverageRequest:
    header, *items = element
    return CoverageRequest(_decode_header(header), tuple(map(_decode_coverage_registration, items)))


def _decode_event_receipt(element: etree._Element) -> EventReceipt:
    event_id, *rest = element
    fields = _children(rest)
    return EventReceipt(
        event_id=uuid_from_text(event_id.text),
        outcome=_OUTCOMES[fields["Resultat"]],
        claim_id=fields.get("FordringID", ""),
        code=fields.get("FejlKode", ""),
        text=fields.get("FejlTekst", ""),
    )


def _decode_receipt(element: etree._Element, service: Service) -> BusinessReceipt:
    header, lines = element
    return BusinessReceipt(
        service, _decode_header(header), tuple(map(_decode_event_receipt, lines))
    )


_REQUESTS: dict[str, Callable[[etree._Element], RegistrationRequest | CoverageRequest]] = {
    _q("DebitorRegistreringAfsend_I"): _decode_registration,
    _q("DækningAfskrivningRegistreringAfsend_I"): _decode_coverage,
}


def decode_request(
    data: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES
) -> RegistrationRequest | CoverageRequest:
    child = _body_child(data, max_bytes)
    decoder = _REQUESTS.get(child.tag)
    if decoder is None:
        raise ProtocolError("not_a_request", gettext_noop("The message is not a request."))
    return decoder(child)


def decode_routing(data: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> tuple[str, Header]:
    """The request element's name and its header, the header checked against its schema:
    for the service platform, which routes on the header and leaves the body, read and
    validated in full, to the receiver."""
    child = _envelope_child(data, max_bytes)
    name = etree.QName(child)
    if name.namespace != NS or child.tag not in _REQUESTS:
        raise ProtocolError("not_a_request", gettext_noop("The message is not a request."))
    header = child[0] if len(child) else None
    if header is None or header.tag != _q("Hovedoplysninger"):
        raise SchemaError("line 1: the request must begin with Hovedoplysninger")
    validate(header)
    return name.localname, _decode_header(header)


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
