"""Receiving DækningAfskrivningRegistreringAfsend: coverage from the debtor system.

The call is stored in the inbox first (its own transaction), then applied exactly once: a
transaction seen before gets the receipt it got then; a registration seen before (resent in a
new call) gets its earlier outcome. Each registration becomes a journal event on the claim —
payment, reversal, write-off, down-regulation — so the patron's block status follows the
money at once. What cannot be applied (an unknown claim, more written off than is open) is
refused on the receipt and becomes an error task; an overpayment is kept as a credit and
flagged for staff. Order does not matter to the ledger: a payment may come before the
library has recorded that the claim was accepted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from bibdebitor.common.texts import in_danish
from bibdebitor.domain import actors
from bibdebitor.domain.claims import EventKind, JournalError
from bibdebitor.domain.money import format_kroner
from bibdebitor.domain.references import parse_claim_reference
from bibdebitor.ledger.journal import JournalLine
from bibdebitor.ledger.models import Agency, Claim
from bibdebitor.ledger.services import NewEvent, append_events
from bibdebitor.protocol.client import compress
from bibdebitor.protocol.codec import encode
from bibdebitor.protocol.messages import (
    BusinessReceipt,
    CoverageKind,
    CoverageRegistration,
    CoverageRequest,
    EventReceipt,
    Outcome,
    Service,
)
from bibdebitor.transfer.models import AppliedRegistration, ErrorTask, InboxMessage, InboxReceipt

log = logging.getLogger(__name__)

LEDGER_EVENT = {
    CoverageKind.PAYMENT: EventKind.COVERED,
    CoverageKind.PAYMENT_REVERSED: EventKind.COVERAGE_REVERSED,
    CoverageKind.WRITE_OFF: EventKind.WRITTEN_OFF,
    CoverageKind.DOWN_REGULATION: EventKind.WRITTEN_DOWN,
}

REFUSALS = {
    "UKENDT_FORDRING": "Fordringen findes ikke i biblioteket.",
    "BELOEB_MANGLER": "Registreringen mangler et beløb.",
    "KAN_IKKE_BOGFOERES": "Registreringen kan ikke bogføres på fordringen: {reason}",
}
OVERPAYMENT = "OVERDAEKNING"
ACTOR = actors.system("debitorsystem")


class ApplyFailed(Exception):
    """Applying a stored call failed unexpectedly; it stays in the inbox for the resend."""


def receive_coverage(agency: Agency, request: CoverageRequest, raw: bytes) -> bytes:
    message = _store(agency, request, raw)
    try:
        with transaction.atomic():
            locked = InboxMessage.objects.select_for_update().get(pk=message.pk)
            stored = InboxReceipt.objects.filter(message=locked).first()
            if stored is not None:
                return bytes(stored.receipt)
            receipt = _apply(agency, locked, request)
            InboxReceipt.objects.create(message=locked, receipt=receipt)
            return receipt
    except Exception as exc:  # anything: the call is stored; the debtor will send it again
        log.exception("coverage %s stored but not applied", request.header.transaction_id)
        raise ApplyFailed(str(request.header.transaction_id)) from exc


def _store(agency: Agency, request: CoverageRequest, raw: bytes) -> InboxMessage:
    transaction_id = request.header.transaction_id
    try:
        with transaction.atomic():
            return InboxMessage.objects.get_or_create(
                transaction_id=transaction_id,
                defaults={
                    "agency": agency,
                    "registration_count": len(request.registrations),
                    "request_gz": compress(raw),
                },
            )[0]
    except IntegrityError:  # stored concurrently by a resend
        return InboxMessage.objects.get(transaction_id=transaction_id)


@dataclass(slots=True)
class _Outcome:
    registration: CoverageRegistration
    claim: Claim | None = None
    event: NewEvent | None = None
    code: str = ""
    text: str = ""

    @property
    def accepted(self) -> bool:
        return not self.code or self.code == OVERPAYMENT


def _apply(agency: Agency, message: InboxMessage, request: CoverageRequest) -> bytes:
    ids = [r.registration_id for r in request.registrations]
    earlier = {
        a.registration_id: a for a in AppliedRegistration.objects.filter(registration_id__in=ids)
    }
    claims = _claims(agency, request.registrations)
    new = [
        _check(registration, claims.get(registration.claim_id))
        for registration in request.registrations
        if registration.registration_id not in earlier
    ]
    _book(new)
    outcomes = {o.registration.registration_id: o for o in new}
    lines = []
    for registration in request.registrations:
        seen = earlier.get(registration.registration_id)
        if seen is not None:
            lines.append(_line(registration, seen.accepted, seen.code, seen.text))
        else:
            outcome = outcomes[registration.registration_id]
            lines.append(_line(registration, outcome.accepted, outcome.code, outcome.text))
    _record(agency, message, request, new)
    return encode(
        BusinessReceipt(Service.COVERAGE, request.header.reply(timezone.now()), tuple(lines))
    )


def _claims(agency: Agency, registrations: Iterable[CoverageRegistration]) -> dict[str, Claim]:
    numbers: dict[str, int] = {}
    for registration in registrations:
        agency_id, number = parse_claim_reference(registration.claim_id)
        if agency_id == agency.agency_id and number is not None:
            numbers[registration.claim_id] = number
    found = Claim.objects.filter(agency=agency, claim_number__in=set(numbers.values()))
    by_number = {c.claim_number: c for c in found}
    return {cid: by_number[n] for cid, n in numbers.items() if n in by_number}


def _check(registration: CoverageRegistration, claim: Claim | None) -> _Outcome:
    """What the registration will book, or why it cannot be booked at all."""
    outcome = _Outcome(registration, claim)
    if registration.kind is CoverageKind.ACCOUNT_CLOSED:
        return outcome
    if claim is None:
        outcome.code, outcome.text = "UKENDT_FORDRING", REFUSALS["UKENDT_FORDRING"]
        return outcome
    if not registration.amount_ore:
        outcome.code, outcome.text = "BELOEB_MANGLER", REFUSALS["BELOEB_MANGLER"]
        return outcome
    outcome.event = NewEvent(
        claim.pk,
        LEDGER_EVENT[registration.kind],
        registration.amount_ore,
        reference=str(registration.registration_id),
        note=registration.text[:200],
    )
    return outcome


def _book(outcomes: list[_Outcome]) -> None:
    """Book every event in one go; if the ledger refuses one, book them one at a time so that
    only the impossible ones are refused."""
    bookable = [(o, o.event) for o in outcomes if o.event is not None]
    try:
        with transaction.atomic():
            rows = append_events([event for _o, event in bookable], actor=ACTOR)
    except JournalError:
        for outcome, event in bookable:
            _book_one(outcome, event)
        return
    for (outcome, _event), row in zip(bookable, rows, strict=True):
        _note_overpayment(outcome, row)


def _book_one(outcome: _Outcome, event: NewEvent) -> None:
    try:
        with transaction.atomic():
            (row,) = append_events([event], actor=ACTOR)
    except JournalError as error:
        outcome.code = "KAN_IKKE_BOGFOERES"
        outcome.text = REFUSALS["KAN_IKKE_BOGFOERES"].format(reason=in_danish(error))
        return
    _note_overpayment(outcome, row)


def _note_overpayment(outcome: _Outcome, row: JournalLine) -> None:
    paid = outcome.registration.amount_ore or 0
    applied = -row.delta_ore  # a payment lowers the open balance by at most what was open
    if row.kind == EventKind.COVERED and paid > applied:
        outcome.code = OVERPAYMENT
        excess = format_kroner(paid - applied)
        outcome.text = f"Dækningen oversteg restbeløbet med {excess}; det står som tilgodehavende."


def _line(registration: CoverageRegistration, accepted: bool, code: str, text: str) -> EventReceipt:
    if accepted:
        return EventReceipt(registration.registration_id, Outcome.ACCEPTED, registration.claim_id)
    return EventReceipt(
        registration.registration_id, Outcome.REJECTED, registration.claim_id, code, text
    )


def _record(
    agency: Agency, message: InboxMessage, request: CoverageRequest, outcomes: list[_Outcome]
) -> None:
    AppliedRegistration.objects.bulk_create(
        AppliedRegistration(
            registration_id=o.registration.registration_id,
            message=message,
            claim=o.claim,
            kind=o.registration.kind.value,
            amount_ore=o.registration.amount_ore,
            accepted=o.accepted,
            code=o.code,
            text=o.text[:300],
        )
        for o in outcomes
    )
    ErrorTask.objects.bulk_create(
        ErrorTask(
            agency=agency,
            claim=o.claim,
            inbox_message=message,
            code=o.code,
            text=o.text[:300],
            transaction_id=request.header.transaction_id,
        )
        for o in outcomes
        if o.code
    )
