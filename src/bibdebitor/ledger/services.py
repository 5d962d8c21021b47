"""Writes to the ledger. Every rule is checked here (or in the domain code it calls); views,
admin and imports only call these functions."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Sum

from bibdebitor.common import clock
from bibdebitor.domain import actors
from bibdebitor.domain.claims import (
    ClaimKind,
    ClaimState,
    Event,
    EventKind,
    apply,
    check_claim_facts,
    fold,
)
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.domain.identifiers import Gender, generate_substitute_cpr
from bibdebitor.domain.patrons import (
    PatronCheck,
    PatronInput,
    check_consent,
    check_guardian_cpr,
    check_journal_reference,
    check_patron,
)
from bibdebitor.ledger.journal import JournalLine, write_claim_events, write_identifier_changes
from bibdebitor.ledger.models import (
    Agency,
    BlockLift,
    Claim,
    ClaimEvent,
    ClaimMaterial,
    ConsentKind,
    Guardian,
    GuardianConsent,
    IdentifierChange,
    Patron,
    PatronBlockEvent,
    PatronKind,
)
from bibdebitor.ledger.selectors import blocked_by_balance

log = logging.getLogger(__name__)
BATCH_SIZE = 2_000


class PatronInvalid(DomainError):
    """A patron record with errors in one or more fields."""

    def __init__(self, check: PatronCheck) -> None:
        first = next(iter(check.errors.values()))
        super().__init__(first.code, first.message)
        self.errors = check.errors


@dataclass(frozen=True, slots=True)
class Material:
    item_number: str
    record_id: str = ""
    title: str = ""


def _today() -> dt.date:
    return clock.today()


@transaction.atomic  # with its substitute CPR, if one is made: both or neither
def register_patron(
    agency: Agency,
    *,
    patron_number: str,
    kind: str,
    name: str,
    cpr: str = "",
    cvr: str = "",
    p_number: str = "",
    gln: str = "",
    birth_date: dt.date | None = None,
    street: str = "",
    postcode: str = "",
    city: str = "",
) -> Patron:
    check = check_patron(PatronInput(kind, cpr, cvr, p_number, gln, birth_date), today=_today())
    if not check.ok:
        raise PatronInvalid(check)
    patron = Patron.objects.create(
        agency=agency,
        patron_number=patron_number,
        kind=kind,
        name=name,
        cpr=check.cpr,
        cvr=check.cvr,
        p_number=check.p_number,
        gln=check.gln,
        birth_date=check.birth_date,
        street=street,
        postcode=postcode,
        city=city,
    )
    log.info("patron %s registered in agency %s", patron.pk, agency.agency_id)
    # Seed 003: "Nye lånere vil FBS generere et erstatningsCPR-nr. for, når de oprettes (ud fra
    # lånerens fødselsdato)" -- where the municipality has switched substitute CPR on.
    if agency.substitute_cpr_enabled and _needs_substitute(patron):
        assign_substitute_cpr(patron, None)
    return patron


def _needs_substitute(patron: Patron) -> bool:
    return patron.kind == PatronKind.PERSON and not patron.cpr and patron.birth_date is not None


def set_pin(holder: Patron | Guardian, pin: str) -> None:
    """A patron's or a guardian's PIN (4 digits, as on the library card), stored hashed."""
    if not re.fullmatch(r"\d{4}", pin):
        raise DomainError("pin_format", gettext_noop("A PIN is 4 digits."))
    holder.pin_hash = make_password(pin)
    holder.save(update_fields=["pin_hash"])


def pin_matches(holder: Patron | Guardian, pin: str) -> bool:
    return bool(holder.pin_hash) and check_password(pin, holder.pin_hash)


# Seed 003: FBS itself makes the substitute CPR from the birth date; no person acts.
SUBSTITUTE_CPR_ACTOR = actors.system("erstatnings-cpr")


@transaction.atomic
def assign_substitute_cpr(patron: Patron, gender: Gender | None) -> Patron:
    """Give a person without a CPR number a unique substitute CPR from the birth date,
    journalled as any change of CPR number is."""
    if patron.kind != PatronKind.PERSON or patron.cpr:
        raise DomainError(
            "substitute_not_needed",
            gettext_noop("Only a person without a CPR number gets a substitute CPR."),
        )
    if patron.birth_date is None:
        raise DomainError(
            "substitute_no_birth_date",
            gettext_noop("A substitute CPR needs the patron's birth date."),
        )
    taken = Patron.objects.filter(agency=patron.agency)

    def is_taken(candidate: str) -> bool:
        return taken.filter(cpr=candidate).exists()

    patron.cpr = generate_substitute_cpr(patron.birth_date, gender, is_taken)
    patron.save(update_fields=["cpr"])
    log.info("patron %s given a substitute CPR", patron.pk)
    write_identifier_changes(
        [
            IdentifierChange(
                patron=patron,
                field="cpr",
                old_value="",
                new_value=patron.cpr,
                actor=SUBSTITUTE_CPR_ACTOR,
            )
        ],
        patron=patron,
        effective_on=_today(),
    )
    return patron


@transaction.atomic
def change_identifier(
    patron: Patron,
    *,
    actor: str,
    cpr: str | None = None,
    cvr: str | None = None,
    effective_on: dt.date | None = None,
) -> Patron:
    """Change a patron's CPR or CVR number: journalled, and the debtor system is told for
    every debtor account the patron is liable on (``journal.write_identifier_changes``)."""
    check = check_patron(
        PatronInput(
            patron.kind,
            patron.cpr if cpr is None else cpr,
            patron.cvr if cvr is None else cvr,
            patron.p_number,
            patron.gln,
            None if cpr else patron.birth_date,  # a new CPR number brings its birth date
        ),
        today=_today(),
    )
    if not check.ok:
        raise PatronInvalid(check)
    changed = {
        field: (old, new)
        for field, old, new in (("cpr", patron.cpr, check.cpr), ("cvr", patron.cvr, check.cvr))
        if old != new
    }
    if not changed:
        return patron
    if check.cpr and Patron.objects.filter(agency=patron.agency_id, cpr=check.cpr).exists():
        raise DomainError("cpr_taken", gettext_noop("Another patron has that CPR number."))
    patron.cpr, patron.cvr = check.cpr, check.cvr
    patron.birth_date = check.birth_date or patron.birth_date
    patron.save(update_fields=["cpr", "cvr", "birth_date"])
    log.info("patron %s: %s changed", patron.pk, ", ".join(changed))
    write_identifier_changes(
        [
            IdentifierChange(patron=patron, field=field, old_value=old, new_value=new, actor=actor)
            for field, (old, new) in changed.items()
        ],
        patron=patron,
        effective_on=effective_on or _today(),
    )
    return patron


@transaction.atomic
def change_guardian_cpr(
    guardian: Guardian, cpr: str, *, actor: str, effective_on: dt.date | None = None
) -> Guardian:
    """A guardian's new CPR number, journalled and told to the debtor system."""
    number = check_guardian_cpr(cpr, on=_today(), adult_age=guardian.agency.adult_age)
    if number == guardian.cpr:
        return guardian
    if Guardian.objects.filter(agency=guardian.agency_id, cpr=number).exists():
        raise DomainError("cpr_taken", gettext_noop("Another guardian has that CPR number."))
    change = IdentifierChange(
        guardian=guardian, field="cpr", old_value=guardian.cpr, new_value=number, actor=actor
    )
    guardian.cpr = number
    guardian.save(update_fields=["cpr"])
    write_identifier_changes([change], guardian=guardian, effective_on=effective_on or _today())
    return guardian


def register_guardian(
    agency: Agency,
    *,
    cpr: str,
    name: str,
    street: str = "",
    postcode: str = "",
    city: str = "",
    email: str = "",
) -> Guardian:
    number = check_guardian_cpr(cpr, on=_today(), adult_age=agency.adult_age)
    guardian, _created = Guardian.objects.get_or_create(
        agency=agency,
        cpr=number,
        defaults={
            "name": name,
            "street": street,
            "postcode": postcode,
            "city": city,
            "email": email,
        },
    )
    return guardian


def record_consent(
    patron: Patron,
    guardian: Guardian,
    *,
    journal_reference: str,
    actor: str,
    effective_on: dt.date | None = None,
    kind: str = ConsentKind.GIVEN,
) -> GuardianConsent:
    """Journal a guardian's consent (or its withdrawal), in effect from today (or a later
    ``effective_on``, which the rules refuse today). Claims created before it keep their
    original liability: consent is not retroactive."""
    effective_on = effective_on or _today()
    if guardian.agency_id != patron.agency_id:
        raise DomainError("wrong_agency", gettext_noop("The guardian belongs to another agency."))
    check_consent(
        patron_kind=patron.kind,
        birth_date=patron.birth_date,
        effective_on=effective_on,
        today=_today(),
        adult_age=patron.agency.adult_age,
    )
    check_journal_reference(journal_reference)
    return GuardianConsent.objects.create(
        patron=patron,
        guardian=guardian,
        kind=kind,
        effective_on=effective_on,
        journal_reference=journal_reference,
        recorded_by=actors.check(actor),
    )


@transaction.atomic
def create_claim(
    patron: Patron,
    *,
    claim_number: int,
    kind: str,
    amount_ore: int,
    created_on: dt.date,
    due_date: dt.date,
    actor: str,
    reason: str = "",
    materials: Iterable[Material] = (),
    acknowledgement_reference: str = "",
) -> Claim:
    """A new mellemværende, with its ``created`` event (and ``acknowledged`` when a written
    acknowledgement or receipt is on file)."""
    check_claim_facts(
        kind=kind,
        created_on=created_on,
        due_date=due_date,
        today=_today(),
        acknowledged=bool(acknowledgement_reference),
    )
    claim = Claim.objects.create(
        agency_id=patron.agency_id,
        patron=patron,
        claim_number=claim_number,
        kind=kind,
        amount_ore=amount_ore,
        created_on=created_on,
        due_date=due_date,
        reason=reason,
    )
    ClaimMaterial.objects.bulk_create(
        ClaimMaterial(claim=claim, item_number=m.item_number, record_id=m.record_id, title=m.title)
        for m in materials
    )
    events = [NewEvent(claim.pk, EventKind.CREATED, amount_ore)]
    if acknowledgement_reference:
        events.append(
            NewEvent(claim.pk, EventKind.ACKNOWLEDGED, reference=acknowledgement_reference)
        )
    append_events(events, actor=actor)
    return claim


def opening_events(
    claim: Claim, *, actor: str, occurred_at: dt.datetime, acknowledgement_reference: str = ""
) -> list[JournalLine]:
    """The journal rows a new claim starts with, for the bulk writers (import, generator)."""
    state, delta = apply(ClaimState(), Event(EventKind.CREATED, claim.amount_ore))
    events = [
        JournalLine(
            claim.pk,
            seq=1,
            kind=EventKind.CREATED,
            amount_ore=claim.amount_ore,
            delta_ore=delta,
            occurred_at=occurred_at,
            actor=actor,
        )
    ]
    if acknowledgement_reference:
        apply(state, Event(EventKind.ACKNOWLEDGED))
        events.append(
            JournalLine(
                claim.pk,
                seq=2,
                kind=EventKind.ACKNOWLEDGED,
                occurred_at=occurred_at,
                actor=actor,
                reference=acknowledgement_reference,
            )
        )
    return events


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One event to append with ``append_events``."""

    claim_id: int
    kind: EventKind
    amount_ore: int = 0
    reference: str = ""
    note: str = ""


def journals(claim_ids: Iterable[int]) -> dict[int, list[Event]]:
    """The journals of many claims in one query."""
    result: dict[int, list[Event]] = defaultdict(list)
    rows = (
        ClaimEvent.objects.filter(claim_id__in_ids=list(claim_ids))
        .order_by("claim_id", "seq")
        .values_list("claim_id", "kind", "amount_ore")
    )
    kinds = {kind.value: kind for kind in EventKind}
    for claim_id, kind, amount in rows:
        result[claim_id].append(Event(kinds[kind], amount))
    return result


@transaction.atomic
def append_events(
    new: Sequence[NewEvent], *, actor: str, occurred_at: dt.datetime | None = None
) -> list[JournalLine]:
    """Append events to many claims' journals at once, after the domain rules accept each in
    turn, and follow the patrons' block status. The claims are locked (in key order, so that
    concurrent writers queue instead of deadlocking); one bad event refuses them all."""
    ids = sorted({spec.claim_id for spec in new})
    claims = Claim.objects.select_for_update().order_by("pk").filter(pk__in_ids=ids)
    patron_of = dict(claims.values_list("pk", "patron_id"))
    if len(patron_of) != len(ids):
        raise DomainError("no_claim", gettext_noop("The claim does not exist."))
    history = journals(ids)
    states = {claim_id: fold(history[claim_id]) for claim_id in ids}
    seqs = {claim_id: len(history[claim_id]) for claim_id in ids}
    when = occurred_at or clock.now()
    rows = []
    for spec in new:
        states[spec.claim_id], delta = apply(
            states[spec.claim_id], Event(spec.kind, spec.amount_ore)
        )
        seqs[spec.claim_id] += 1
        rows.append(
            JournalLine(
                spec.claim_id,
                seq=seqs[spec.claim_id],
                kind=spec.kind,
                amount_ore=spec.amount_ore,
                delta_ore=delta,
                occurred_at=when,
                actor=actor,
                reference=spec.reference,
                note=spec.note,
            )
        )
    write_claim_events(rows)
    moved = {patron_of[row.claim_id] for row in rows if row.delta_ore}
    if moved:
        refresh_block(Patron.objects.select_related("agency").filter(pk__in_ids=moved))
    return rows


def record_event(
    claim: Claim,
    kind: EventKind,
    amount_ore: int = 0,
    *,
    actor: str,
    reference: str = "",
    note: str = "",
    occurred_at: dt.datetime | None = None,
) -> JournalLine:
    """Append one event to a claim's journal (see ``append_events``)."""
    spec = NewEvent(claim.pk, kind, amount_ore, reference, note)
    return append_events([spec], actor=actor, occurred_at=occurred_at)[0]


def refresh_block(patrons: Iterable[Patron]) -> list[PatronBlockEvent]:
    """Block a patron whose open balance reaches the agency's threshold; unblock below it.
    Writes a block event only where the status changes."""
    by_id = {p.pk: p for p in patrons}
    if not by_id:
        return []
    balances = dict(
        ClaimEvent.objects.filter(claim__patron_id__in_ids=by_id)
        .values_list("claim__patron_id")
        .annotate(total=Sum("delta_ore"))
        .values_list("claim__patron_id", "total")
    )
    latest_blocked = _latest_block_status(by_id)
    changes = []
    for patron_id, patron in by_id.items():
        balance = balances.get(patron_id) or 0
        threshold = patron.agency.block_threshold_ore
        blocked = balance >= threshold
        if blocked != latest_blocked.get(patron_id, False):
            changes.append(
                PatronBlockEvent(
                    patron=patron, blocked=blocked, balance_ore=balance, threshold_ore=threshold
                )
            )
    return PatronBlockEvent.objects.bulk_create(changes)


def _latest_block_status(by_id: dict[int, Patron]) -> dict[int, bool]:
    latest: dict[int, bool] = {}
    rows = PatronBlockEvent.objects.filter(patron_id__in_ids=by_id).order_by("id")
    for patron_id, blocked in rows.values_list("patron_id", "blocked"):
        latest[patron_id] = blocked
    return latest


def lift_block(patron: Patron, *, receipt_reference: str, reason: str, actor: str) -> BlockLift:
    """Lift a blocked borrower's block on a receipt for a payment to the municipality, for the
    agency's number of days or until coverage for the patron arrives (seed 003)."""
    if not blocked_by_balance(patron):
        raise DomainError("lift_not_blocked", gettext_noop("The borrower is not blocked."))
    if not receipt_reference.strip():
        raise DomainError(
            "lift_receipt", gettext_noop("Write the reference of the receipt for the payment.")
        )
    if not reason.strip():
        raise DomainError("lift_reason", gettext_noop("Write why the block is lifted."))
    until = clock.now() + dt.timedelta(days=patron.agency.block_lift_days)
    return BlockLift.objects.create(
        patron=patron,
        until=until,
        receipt_reference=receipt_reference.strip()[:100],
        reason=reason.strip()[:300],
        actor=actors.check(actor),
    )


def write_down(claim: Claim, amount_ore: int, *, actor: str, note: str = "") -> JournalLine:
    return record_event(claim, EventKind.WRITTEN_DOWN, amount_ore, actor=actor, note=note)


def cancel(claim: Claim, *, actor: str, note: str = "") -> JournalLine:
    return record_event(claim, EventKind.CANCELLED, actor=actor, note=note)


def reopen(claim: Claim, *, actor: str, note: str = "") -> JournalLine:
    return record_event(claim, EventKind.REOPENED, actor=actor, note=note)


def acknowledge(claim: Claim, *, reference: str, actor: str) -> JournalLine:
    if not reference.strip():
        raise DomainError(
            "acknowledgement_reference",
            gettext_noop("An acknowledgement needs a reference to the signed document or receipt."),
        )
    if claim.kind != ClaimKind.REPLACEMENT:
        raise DomainError(
            "acknowledgement_kind",
            gettext_noop("Only a replacement claim can be acknowledged."),
        )
    return record_event(claim, EventKind.ACKNOWLEDGED, actor=actor, reference=reference)


def record_coverage(
    claim: Claim, amount_ore: int, *, actor: str, reference: str = ""
) -> JournalLine:
    return record_event(claim, EventKind.COVERED, amount_ore, actor=actor, reference=reference)
