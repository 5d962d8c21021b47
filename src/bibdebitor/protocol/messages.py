"""Typed messages of the SF1590_B_01 model. Names are English; the XML names (Danish) live in
the codec. Amounts are integer øre, identifiers are strings of digits."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class SystemRef:
    """An organisation and one of its IT-system instances (KOMBIT Organisation UUIDs)."""

    organisation: uuid.UUID
    it_system_instance: uuid.UUID


@dataclass(frozen=True, slots=True)
class Header:
    """Hovedoplysninger."""

    transaction_id: uuid.UUID
    transaction_time: dt.datetime
    sender: SystemRef
    receiver: SystemRef

    def reply(self, at: dt.datetime) -> Header:
        """The header of the answer: same transaction, sender and receiver swapped."""
        return Header(self.transaction_id, at, self.receiver, self.sender)


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A sortiment class by UUID and user-facing key."""

    uuid: uuid.UUID
    user_key: str


@dataclass(frozen=True, slots=True)
class Party:
    """The liable party (juridisk ansvarlig): a person by CPR (or substitute CPR) or a
    company by CVR, optionally with P-number and EAN/GLN; with the name and postal address
    the library holds (a substitute CPR cannot be looked up in the CPR register)."""

    cpr: str = ""
    cvr: str = ""
    p_number: str = ""
    gln: str = ""
    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""

    def __post_init__(self) -> None:
        if bool(self.cpr) == bool(self.cvr):
            raise ValueError("a liable party has exactly one of CPR and CVR")


@dataclass(frozen=True, slots=True)
class SubClaim:
    """Delfordring."""

    sub_claim_id: str
    amount_ore: int
    description: str


@dataclass(frozen=True, slots=True)
class NewClaim:
    """Fordring, with the event id that makes its creation idempotent."""

    event_id: uuid.UUID
    claim_id: str
    claim_type: ClassRef
    amount_ore: int
    founded_on: dt.date
    due_date: dt.date
    last_timely_payment_date: dt.date
    description: str
    sub_claims: tuple[SubClaim, ...]


@dataclass(frozen=True, slots=True)
class Account:
    """Debitorkonto with the claims to create on it."""

    reference: str
    account_type: ClassRef
    org_unit: uuid.UUID
    liable: Party
    claims: tuple[NewClaim, ...]


@dataclass(frozen=True, slots=True)
class CreateAccounts:
    """OpretDebitorkonto: one or more accounts, each with one or more new claims."""

    accounts: tuple[Account, ...]


class StateAction(StrEnum):
    CANCEL = "ANNULLER"
    WRITE_DOWN = "NEDSKRIV"
    REOPEN = "GENÅBN"


@dataclass(frozen=True, slots=True)
class ChangeClaimState:
    """RetFordringTilstand."""

    event_id: uuid.UUID
    account_reference: str
    claim_id: str
    action: StateAction
    effective_on: dt.date
    amount_ore: int | None = None  # write-down only
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ChangeLiableParty:
    """SkiftJuridiskAnsvarlig: the liable party's CPR or CVR number changed."""

    event_id: uuid.UUID
    account_reference: str
    liable: Party
    effective_on: dt.date


Operation = CreateAccounts | ChangeClaimState | ChangeLiableParty


@dataclass(frozen=True, slots=True)
class RegistrationRequest:
    """DebitorRegistreringAfsend_I: a batch of operations, applied in order."""

    header: Header
    operations: tuple[Operation, ...]

    def event_ids(self) -> list[uuid.UUID]:
        ids: list[uuid.UUID] = []
        for operation in self.operations:
            if isinstance(operation, CreateAccounts):
                ids.extend(c.event_id for a in operation.accounts for c in a.claims)
            else:
                ids.append(operation.event_id)
        return ids


class Outcome(StrEnum):
    ACCEPTED = "ACCEPTERET"
    REJECTED = "AFVIST"


@dataclass(frozen=True, slots=True)
class EventReceipt:
    """One line of a business receipt: accepted, or rejected with a code and a Danish text."""

    event_id: uuid.UUID
    outcome: Outcome
    claim_id: str = ""
    code: str = ""
    text: str = ""


class Service(StrEnum):
    """The two services and the names of their request and receipt elements."""

    REGISTRATION = "DebitorRegistreringAfsend"
    COVERAGE = "DækningAfskrivningRegistreringAfsend"

    @property
    def soap_action(self) -> str:
        # SOAPAction is US-ASCII only (as in KOMBIT's WSDLs).
        ascii_name = self.value.replace("æ", "ae").replace("Æ", "Ae")
        return f"urn:bibdebitor:sf1590:1:{ascii_name}"


@dataclass(frozen=True, slots=True)
class BusinessReceipt:
    """Forretningskvittering: the answer to either service, one line per event."""

    service: Service
    header: Header
    lines: tuple[EventReceipt, ...]

    def by_event(self) -> dict[uuid.UUID, EventReceipt]:
        return {line.event_id: line for line in self.lines}


class CoverageKind(StrEnum):
    PAYMENT = "DÆKNING"
    PAYMENT_REVERSED = "DÆKNING_TILBAGEFØRT"
    WRITE_OFF = "AFSKRIVNING"
    DOWN_REGULATION = "NEDREGULERING"
    ACCOUNT_CLOSED = "KONTO_LUKKET"


@dataclass(frozen=True, slots=True)
class CoverageRegistration:
    """DækningAfskrivningRegistrering: one thing the debtor system registered."""

    registration_id: uuid.UUID
    account_reference: str
    kind: CoverageKind
    effective_on: dt.date
    claim_id: str = ""
    amount_ore: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class CoverageRequest:
    """DækningAfskrivningRegistreringAfsend_I."""

    header: Header
    registrations: tuple[CoverageRegistration, ...] = field(default_factory=tuple)


Message = RegistrationRequest | CoverageRequest | BusinessReceipt
