"""Enqueueing: what the debtor system must learn, written to the outbox in the same database
transaction as the ledger change that caused it.

* a transferable claim appears (created, imported, reopened at the library, or the integration
  is switched on): the claim is handed over (``create``) and journalled ``queued``;
* a handed-over claim is written down, cancelled or reopened: ``RetFordringTilstand``;
* the liable party's CPR or CVR changes: ``SkiftJuridiskAnsvarlig`` on each account.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bibdebitor.common import bulk
from bibdebitor.domain.catalogue import ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET, CLASSES
from bibdebitor.domain.claims import EventKind
from bibdebitor.domain.classification import AccountType, Classification, Cleansing, classify
from bibdebitor.domain.classification import Liable as ClassifiedLiable
from bibdebitor.domain.references import account_reference, claim_reference
from bibdebitor.ledger.journal import JournalLine
from bibdebitor.ledger.models import Agency, Claim, ClaimEvent, Guardian, GuardianConsent, Patron
from bibdebitor.ledger.selectors import borrowers, claim_facts, policy_for
from bibdebitor.ledger.services import NewEvent, append_events, assign_substitute_cpr
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
from bibdebitor.sortiment.services import ClassBook
from bibdebitor.transfer.models import (
    DebtorAccount,
    Liable,
    MessageKind,
    MessageState,
    OutboxMessage,
)

TITLES = {c.user_key: c.title for c in CLASSES}
STATE_ACTIONS = {
    EventKind.CANCELLED: (MessageKind.CANCEL, StateAction.CANCEL, "Annulleret af biblioteket"),
    EventKind.WRITTEN_DOWN: (
        MessageKind.WRITE_DOWN,
        StateAction.WRITE_DOWN,
        "Nedskrevet af biblioteket",
    ),
    EventKind.REOPENED: (MessageKind.REOPEN, StateAction.REOPEN, "Genåbnet af biblioteket"),
}


def _message(
    account: DebtorAccount, kind: str, change: ChangeClaimState | ChangeLiableParty, **extra: Any
) -> OutboxMessage:
    return OutboxMessage(
        agency_id=account.agency_id,
        account=account,
        kind=kind,
        event_id=change.event_id,
        content=codec.operation_xml(change),
        available_at=timezone.now(),
        **extra,
    )


# --- new claims ---------------------------------------------------------------------------


def enqueue_claims(agency: Agency, claim_ids: Collection[int] | None, *, actor: str) -> int:
    """Hand over those of these claims (None: all the agency's) that classification lets go,
    in the caller's transaction. Idempotent: a claim handed over is not transferable again."""
    return _write(_plan(agency, claim_ids), actor)


def hand_over_chunk(agency: Agency, claim_ids: Collection[int], *, actor: str) -> int:
    """``enqueue_claims`` for a chunk of the backlog, prepared (classified and rendered) before
    its write transaction and only written in it: on SQLite the transaction holds the one
    write lock, which the sender's workers need to deliver meanwhile. What the preparation
    read is read again in the transaction; if anything differs, it is prepared again there."""
    read = _inputs(agency, claim_ids)
    planned = _plan(agency, claim_ids)
    if planned.substitutes_made:  # the patrons changed under the plan: by the plan itself
        read = _inputs(agency, claim_ids)
        planned = _plan(agency, claim_ids)
    with transaction.atomic():
        if _inputs(agency, claim_ids) != read:
            planned = _plan(Agency.objects.get(pk=agency.pk), claim_ids)
        return _write(planned, actor)


_PATRON_FIELDS = (
    *("kind", "cpr", "cvr", "p_number", "gln", "birth_date"),
    *("name", "street", "postcode", "city"),
)


class _Inputs(NamedTuple):
    """Everything a chunk's hand-overs are made from that can change. A journal and the
    consents only grow, so their lengths tell whether they changed."""

    agency: Mapping[str, object]
    events: int
    consents: int
    patrons: set[tuple[Any, ...]]
    guardians: set[tuple[Any, ...]]
    classes: ClassBook


def _inputs(agency: Agency, claim_ids: Collection[int]) -> _Inputs:
    patron_ids = set(Claim.objects.filter(pk__in_ids=claim_ids).values_list("patron_id", flat=True))
    return _Inputs(
        agency=Agency.objects.filter(pk=agency.pk).values().get(),
        events=ClaimEvent.objects.filter(claim_id__in_ids=claim_ids).count(),
        consents=GuardianConsent.objects.filter(patron_id__in_ids=patron_ids).count(),
        patrons=set(
            Patron.objects.filter(pk__in_ids=patron_ids).values_list("pk", *_PATRON_FIELDS)
        ),
        guardians=set(
            Guardian.objects.filter(consents__patron_id__in_ids=patron_ids).values_list(
                "pk", "cpr", "name", "street", "postcode", "city"
            )
        ),
        classes=ClassBook(),
    )


class _HandOvers(NamedTuple):
    """A chunk's hand-overs as rows to write: outbox messages and their ``queued`` events."""

    messages: list[dict[str, Any]]
    queued: list[NewEvent]
    substitutes_made: bool = False


def _write(planned: _HandOvers, actor: str) -> int:
    if planned.messages:
        bulk.insert_values(OutboxMessage, planned.messages)
        append_events(planned.queued, actor=actor)
    return len(planned.messages)


def _plan(agency: Agency, claim_ids: Collection[int] | None) -> _HandOvers:
    """The hand-overs of those of these claims that classification lets go. Writes only what
    may stand without them: a missing debtor account, a substitute CPR."""
    if not agency.integration_active or agency.cutoff_date is None:
        return _HandOvers([], [])
    facts = list(claim_facts(agency, claim_ids))
    # All the agency's claims: read all its patrons rather than name each one (an IN list of
    # 250,000 patrons is more than SQLite or PostgreSQL take as parameters).
    patron_ids = None if claim_ids is None else {patron_id for _, patron_id, _ in facts}
    patrons = borrowers(agency, patron_ids)
    policy = policy_for(agency, agency.cutoff_date)
    chosen = []
    guardian_cprs: dict[int, str] = {}  # claim id -> the CPR of the guardian liable for it
    for claim_id, patron_id, claim in facts:
        borrower = patrons[patron_id][0]
        result = classify(borrower, claim, policy)
        if not result.transferable:
            continue
        chosen.append((claim_id, patron_id, claim.open_ore, result))
        if result.liable == ClassifiedLiable.GUARDIAN:
            guardian_cprs[claim_id] = borrower.guardian_on(claim.created_on) or ""
    if not chosen:
        return _HandOvers([], [])
    made = _make_substitutes(
        p for _, p, _, r in chosen if Cleansing.SUBSTITUTE_WILL_BE_MADE in r.cleansing
    )
    messages, queued = _render(agency, chosen, _guardians(agency, guardian_cprs))
    return _HandOvers(messages, queued, substitutes_made=made > 0)


def _make_substitutes(patron_ids: Iterable[int]) -> int:
    made = 0
    for patron in Patron.objects.filter(pk__in_ids=set(patron_ids), cpr=""):
        assign_substitute_cpr(patron, None)
        made += 1
    return made


class _ClaimRow(NamedTuple):
    """What a hand-over tells of a claim."""

    claim_number: int
    created_on: dt.date
    due_date: dt.date


class _PatronRow(NamedTuple):
    """What a hand-over tells of a patron (the fields ``liable_party`` reads)."""

    cpr: str
    cvr: str
    p_number: str
    gln: str
    name: str
    street: str
    postcode: str
    city: str


class _AccountRow(NamedTuple):
    pk: int
    reference: str
    account_type: str
    liable: str


def _render(
    agency: Agency,
    chosen: list[tuple[int, int, int, Classification]],
    guardian_by_claim: dict[int, Guardian],
) -> tuple[list[dict[str, Any]], list[NewEvent]]:
    """The outbox rows and ``queued`` events of a chunk's hand-overs, read and made as plain
    values (model instances cost more than the rows' writing)."""
    claims = _rows(Claim, {claim_id for claim_id, *_ in chosen}, _ClaimRow)
    patrons = _rows(Patron, {patron_id for _, patron_id, *_ in chosen}, _PatronRow)
    accounts = _accounts(
        agency,
        {
            (patron_id, result.account_type, guardian_by_claim.get(claim_id), result.liable)
            for claim_id, patron_id, _, result in chosen
        },
    )
    book = ClassBook()
    account_contents: dict[tuple[int, uuid.UUID], str] = {}  # per account and its class
    now = timezone.now()
    messages, queued = [], []
    for claim_id, patron_id, open_ore, result in chosen:
        claim = claims[claim_id]
        guardian = guardian_by_claim.get(claim_id)
        account = accounts[(patron_id, result.account_type, guardian.pk if guardian else None)]
        day = claim.created_on
        # The account's content differs between claims only if its class was replaced.
        key = (
            account.pk,
            book.uuid_for(ACCOUNT_TYPE_FACET, account.account_type, day),
        )
        if key not in account_contents:
            content = _account(agency, account, patrons[patron_id], guardian, book, day)
            account_contents[key] = codec.account_xml(content)
        event_id = uuid.uuid4()
        new_claim = _new_claim(agency, claim, event_id, open_ore, result, book)
        messages.append(
            {
                "agency_id": agency.pk,
                "account_id": account.pk,
                "claim_id": claim_id,
                "kind": MessageKind.CREATE,
                "event_id": event_id,
                "content": codec.claim_xml(new_claim),
                "account_content": account_contents[key],
                "available_at": now,
            }
        )
        queued.append(NewEvent(claim_id, EventKind.QUEUED, reference=str(event_id)))
    return messages, queued


_Row = TypeVar("_Row", bound=NamedTuple)


def _rows(model: type[Claim | Patron], pks: Collection[int], row: type[_Row]) -> dict[int, _Row]:
    """These rows of ``model`` as ``row`` tuples (its fields by name), by primary key."""
    found = model._default_manager.filter(pk__in_ids=pks).values_list("pk", *row._fields)
    return {pk: row(*values) for pk, *values in found}


def _guardians(agency: Agency, cpr_by_claim: dict[int, str]) -> dict[int, Guardian]:
    """The guardian rows for the guardian CPRs classification found liable, per claim."""
    if not cpr_by_claim:
        return {}
    rows = Guardian.objects.filter(agency=agency, cpr__in=set(cpr_by_claim.values()))
    by_cpr = {guardian.cpr: guardian for guardian in rows}
    return {claim_id: by_cpr[cpr] for claim_id, cpr in cpr_by_claim.items()}


def _accounts(
    agency: Agency, keys: set[tuple[int, str, Guardian | None, str]]
) -> dict[tuple[int, str, int | None], _AccountRow]:
    """The debtor accounts for these (patron, account type, guardian, liable), made if new."""
    patron_ids = {patron_id for patron_id, *_ in keys}
    existing = _account_rows(patron_ids)
    missing = [
        (patron_id, account_type, guardian, liable)
        for patron_id, account_type, guardian, liable in keys
        if (patron_id, account_type, guardian.pk if guardian else None) not in existing
    ]
    if missing:  # (one made meanwhile by another writer is the one to use)
        rows = [
            {
                "agency_id": agency.pk,
                "patron_id": patron_id,
                "guardian_id": guardian.pk if guardian else None,
                "account_type": account_type,
                "liable": liable,
                "reference": _account_reference(agency, patron_id, account_type, guardian),
            }
            for patron_id, account_type, guardian, liable in missing
        ]
        bulk.insert_values(DebtorAccount, rows, ignore_conflicts=True)
        existing |= _account_rows({patron_id for patron_id, *_ in missing})
    return existing


def _account_rows(patron_ids: Collection[int]) -> dict[tuple[int, str, int | None], _AccountRow]:
    """These patrons' debtor accounts by (patron, account type, guardian)."""
    found = DebtorAccount.objects.filter(patron_id__in_ids=patron_ids).values_list(
        "patron_id", "account_type", "guardian_id", "pk", "reference", "liable"
    )
    return {
        (patron_id, account_type, guardian_id): _AccountRow(pk, reference, account_type, liable)
        for patron_id, account_type, guardian_id, pk, reference, liable in found
    }


def _account_reference(
    agency: Agency, patron_id: int, account_type: str, guardian: Guardian | None
) -> str:
    guardian_id = guardian.pk if guardian is not None else None
    return account_reference(agency.agency_id, patron_id, account_type, guardian_id)


def liable_party(liable: str, patron: Patron | _PatronRow, guardian: Guardian | None) -> Party:
    """The party liable on an account (its ``liable``), with the name and postal address the
    library holds for them."""
    if liable == Liable.GUARDIAN and guardian is not None:
        return Party(cpr=guardian.cpr, name=guardian.name, **_address_of(guardian))
    if liable == Liable.COMPANY:
        return Party(
            cvr=patron.cvr,
            p_number=patron.p_number,
            gln=patron.gln,
            name=patron.name,
            **_address_of(patron),
        )
    return Party(cpr=patron.cpr, name=patron.name, **_address_of(patron))


def _address_of(holder: Patron | _PatronRow | Guardian) -> dict[str, str]:
    return {"street": holder.street, "postcode": holder.postcode, "city": holder.city}


def _account(
    agency: Agency,
    account: _AccountRow,
    patron: _PatronRow,
    guardian: Guardian | None,
    book: ClassBook,
    day: dt.date,
) -> Account:
    account_type = AccountType(account.account_type)
    return Account(
        reference=account.reference,
        account_type=ClassRef(book.uuid_for(ACCOUNT_TYPE_FACET, account_type, day), account_type),
        org_unit=agency.org_unit_uuid,  # type: ignore[arg-type]  # never None while on (backoffice.setup.ADDRESSING; activation needs it)
        liable=liable_party(account.liable, patron, guardian),
        claims=(),
    )


def _new_claim(
    agency: Agency,
    claim: _ClaimRow,
    event_id: uuid.UUID,
    open_ore: int,
    result: Classification,
    book: ClassBook,
) -> NewClaim:
    reference = claim_reference(agency.agency_id, claim.claim_number)
    claim_type = result.claim_type
    # The description goes to the debtor and on to PSRM: the class title and our number only.
    description = f"{TITLES[claim_type]} (nr. {claim.claim_number})"[:100]
    return NewClaim(
        event_id=event_id,
        claim_id=reference,
        claim_type=ClassRef(
            book.uuid_for(CLAIM_TYPE_FACET, claim_type, claim.created_on), claim_type
        ),
        amount_ore=open_ore,
        founded_on=claim.created_on,
        due_date=claim.due_date,
        last_timely_payment_date=claim.due_date,
        description=description,
        sub_claims=(SubClaim(f"{reference}-1", open_ore, TITLES[claim_type][:100]),),
    )


# --- changes to handed-over claims and parties --------------------------------------------


def handed_over(claim_ids: Collection[int]) -> dict[int, OutboxMessage]:
    """The hand-over message of each of these claims that has been handed over (and not
    refused by the debtor system)."""
    creates = (
        OutboxMessage.objects.filter(claim_id__in_ids=claim_ids, kind=MessageKind.CREATE)
        .exclude(state=MessageState.REJECTED)
        .select_related("account", "claim", "agency")
        .order_by("id")
    )
    return {message.claim_id: message for message in creates if message.claim_id is not None}


def enqueue_state_changes(events: Sequence[JournalLine]) -> list[int]:
    """Messages for write-downs, cancellations and reopenings of handed-over claims. Returns
    the ids of reopened claims that were never handed over (they may be transferable now)."""
    changes = [e for e in events if e.kind in STATE_ACTIONS]
    if not changes:
        return []
    creates = handed_over({e.claim_id for e in changes})
    messages, not_yet = [], []
    for event in changes:
        create = creates.get(event.claim_id)
        if create is None:
            if event.kind == EventKind.REOPENED:
                not_yet.append(event.claim_id)
            continue
        kind, action, reason = STATE_ACTIONS[EventKind(event.kind)]
        change = ChangeClaimState(
            event_id=uuid.uuid4(),
            account_reference=create.account.reference,
            claim_id=claim_reference(create.agency.agency_id, create.claim.claim_number),  # type: ignore[union-attr]  # a hand-over always names its claim
            action=action,
            effective_on=timezone.localdate(event.occurred_at),
            amount_ore=event.amount_ore if action is StateAction.WRITE_DOWN else None,
            reason=reason,
        )
        messages.append(_message(create.account, kind, change, claim_id=event.claim_id))
    OutboxMessage.objects.bulk_create(messages)
    return not_yet


def enqueue_party_change(accounts: Iterable[DebtorAccount], effective_on: dt.date) -> int:
    """Tell the debtor system the new CPR/CVR on each account that has been handed claims."""
    used = set(
        OutboxMessage.objects.filter(account__in=list(accounts), kind=MessageKind.CREATE)
        .exclude(state=MessageState.REJECTED)
        .values_list("account_id", flat=True)
    )
    messages = []
    for account in accounts:
        if account.pk not in used:
            continue
        change = ChangeLiableParty(
            event_id=uuid.uuid4(),
            account_reference=account.reference,
            liable=liable_party(account.liable, account.patron, account.guardian),
            effective_on=effective_on,
        )
        messages.append(_message(account, MessageKind.CHANGE_PARTY, change))
    OutboxMessage.objects.bulk_create(messages)
    return len(messages)


# --- what the ledger's journal writer calls (ledger/journal.py) -----------------------------


def on_claim_events(events: Sequence[JournalLine]) -> None:
    if not events:
        return
    # Changes to claims already handed over are always told, also while an integration is
    # paused (they wait in the outbox until it is switched on again).
    reopened_at_library = enqueue_state_changes(events)
    if not Agency.objects.filter(integration_active=True).exists():
        return  # nothing new is handed over anywhere (a generator or an import before go-live)
    fresh = {e.claim_id for e in events if e.kind == EventKind.CREATED}
    candidates = fresh | set(reopened_at_library)
    if not candidates:
        return
    claims = Claim.objects.filter(pk__in_ids=candidates)
    agency_ids = set(claims.values_list("agency_id", flat=True))
    for agency in Agency.objects.filter(pk__in=agency_ids, integration_active=True):
        enqueue_claims(agency, candidates, actor=events[0].actor)


def on_identifier_changed(
    *, patron: Patron | None, guardian: Guardian | None, effective_on: dt.date
) -> None:
    if patron is not None:
        where = Q(patron=patron) & ~Q(liable=Liable.GUARDIAN)
    else:
        where = Q(guardian=guardian, liable=Liable.GUARDIAN)
    accounts = DebtorAccount.objects.filter(where).select_related("patron", "guardian")
    enqueue_party_change(list(accounts), effective_on)
