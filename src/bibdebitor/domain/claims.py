"""A claim's (mellemværende's) state, derived from its append-only journal.

Every change to a claim is an event; nothing is edited in place. ``apply`` checks that an
event is allowed in the current state and returns the new state together with the event's
effect on the open balance (``delta``), which the ledger stores on the journal row so that
balances can also be summed in SQL. Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import NamedTuple

from bibdebitor.domain.errors import DomainError, gettext_noop


class ClaimKind(StrEnum):
    LATE_FEE = "late_fee"  # gebyr, overskredet lånetid
    REPLACEMENT = "replacement"  # erstatning(skrav)


class EventKind(StrEnum):
    CREATED = "created"
    ACKNOWLEDGED = "acknowledged"  # written acknowledgement or receipt recorded
    WRITTEN_DOWN = "written_down"  # nedskrivning by the library
    CANCELLED = "cancelled"  # annullering
    REOPENED = "reopened"
    QUEUED = "queued"  # handed to the outbox
    TRANSFERRED = "transferred"  # delivered to the debtor system
    ACCEPTED = "accepted"  # the debtor's business receipt said yes
    REJECTED = "rejected"  # ... or no
    COVERED = "covered"  # dækning: a payment, at the library or in the debtor system
    COVERAGE_REVERSED = "coverage_reversed"
    WRITTEN_OFF = "written_off"  # afskrivning in the debtor system


class Lifecycle(StrEnum):
    OPEN = "open"
    SETTLED = "settled"  # nothing left to pay: covered, written down or written off
    CANCELLED = "cancelled"


class TransferStatus(StrEnum):
    AT_LIBRARY = "at_library"
    QUEUED = "queued"
    TRANSFERRED = "transferred"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


# A claim in one of these is the debtor system's to collect (or on its way there).
HANDED_OVER = frozenset(
    {TransferStatus.QUEUED, TransferStatus.TRANSFERRED, TransferStatus.ACCEPTED}
)


class JournalError(DomainError):
    pass


# States and events are immutable records; tuples because a hand-over folds two journals a
# claim and a frozen dataclass's construction and ``replace`` cost five times as much.


class Event(NamedTuple):
    kind: EventKind
    amount: int = 0  # øre; the business amount the event names (never negative)


class ClaimState(NamedTuple):
    original: int = 0
    open: int = 0
    covered: int = 0
    written_down: int = 0
    written_off: int = 0
    cancelled_amount: int = 0  # what the latest cancellation took off, restored by a reopen
    credit: int = 0  # coverage beyond the open balance (an overpayment)
    acknowledged: bool = False
    lifecycle: Lifecycle = Lifecycle.OPEN
    transfer: TransferStatus = TransferStatus.AT_LIBRARY
    exists: bool = False

    @property
    def is_transferred(self) -> bool:
        return self.transfer in HANDED_OVER


def _lifecycle_for(open_amount: int) -> Lifecycle:
    return Lifecycle.OPEN if open_amount > 0 else Lifecycle.SETTLED


def _require(condition: bool, code: str, message: str) -> None:
    if not condition:
        raise JournalError(code, message)


def apply(state: ClaimState, event: Event) -> tuple[ClaimState, int]:
    """Apply one event; return the new state and the event's effect on the open balance."""
    _require(
        event.amount >= 0, "negative_amount", gettext_noop("An event amount cannot be negative.")
    )
    kind = event.kind
    if kind is EventKind.CREATED:
        _require(not state.exists, "already_created", gettext_noop("The claim already exists."))
        _require(
            event.amount > 0, "zero_amount", gettext_noop("A claim must be for more than 0 kr.")
        )
        new = ClaimState(original=event.amount, open=event.amount, exists=True)
        return new, event.amount
    _require(state.exists, "no_claim", gettext_noop("The claim has not been created."))
    handler = _HANDLERS[kind]
    return handler(state, event.amount)


def _acknowledge(state: ClaimState, _amount: int) -> tuple[ClaimState, int]:
    return state._replace(acknowledged=True), 0


def _require_open(state: ClaimState) -> None:
    _require(state.lifecycle is Lifecycle.OPEN, "not_open", gettext_noop("The claim is not open."))


def _require_within_open(state: ClaimState, amount: int) -> None:
    _require(amount > 0, "zero_amount", gettext_noop("The amount must be more than 0 kr."))
    _require(
        amount <= state.open, "exceeds_open", gettext_noop("The amount exceeds the open balance.")
    )


def _write_down(state: ClaimState, amount: int) -> tuple[ClaimState, int]:
    _require_open(state)
    _require_within_open(state, amount)
    open_amount = state.open - amount
    new = state._replace(
        open=open_amount,
        written_down=state.written_down + amount,
        lifecycle=_lifecycle_for(open_amount),
    )
    return new, -amount


def _cancel(state: ClaimState, _amount: int) -> tuple[ClaimState, int]:
    _require(
        state.lifecycle is not Lifecycle.CANCELLED, "cancelled", gettext_noop("Already cancelled.")
    )
    new = state._replace(open=0, cancelled_amount=state.open, lifecycle=Lifecycle.CANCELLED)
    return new, -state.open


def _reopen(state: ClaimState, _amount: int) -> tuple[ClaimState, int]:
    _require(
        state.lifecycle is Lifecycle.CANCELLED,
        "not_cancelled",
        gettext_noop("Only a cancelled claim can be reopened."),
    )
    restored = state.cancelled_amount
    new = state._replace(open=restored, cancelled_amount=0, lifecycle=_lifecycle_for(restored))
    return new, restored


def _cover(state: ClaimState, amount: int) -> tuple[ClaimState, int]:
    """A payment. What exceeds the open balance is kept as a credit, never lost -- all of it
    on a cancelled claim (a payment the debtor system booked before it learnt of the
    cancellation; its reversal follows and takes the credit back)."""
    _require(amount > 0, "zero_amount", gettext_noop("The amount must be more than 0 kr."))
    applied = min(amount, state.open)
    open_amount = state.open - applied
    new = state._replace(
        open=open_amount,
        covered=state.covered + amount,
        credit=state.credit + amount - applied,
        lifecycle=state.lifecycle
        if state.lifecycle is Lifecycle.CANCELLED
        else _lifecycle_for(open_amount),
    )
    return new, -applied


def _reverse_coverage(state: ClaimState, amount: int) -> tuple[ClaimState, int]:
    """A payment taken back (e.g. a bounced bank transfer): credit goes first."""
    _require(amount > 0, "zero_amount", gettext_noop("The amount must be more than 0 kr."))
    _require(
        amount <= state.covered,
        "exceeds_covered",
        gettext_noop("More is reversed than was covered."),
    )
    from_credit = min(amount, state.credit)
    restored = amount - from_credit
    new = state._replace(covered=state.covered - amount, credit=state.credit - from_credit)
    if state.lifecycle is Lifecycle.CANCELLED:
        # Nothing is payable while cancelled; a reopen brings the reversed amount back.
        return new._replace(cancelled_amount=state.cancelled_amount + restored), 0
    open_amount = state.open + restored
    return new._replace(open=open_amount, lifecycle=_lifecycle_for(open_amount)), restored


def _write_off(state: ClaimState, amount: int) -> tuple[ClaimState, int]:
    _require_open(state)
    _require_within_open(state, amount)
    open_amount = state.open - amount
    new = state._replace(
        open=open_amount,
        written_off=state.written_off + amount,
        lifecycle=_lifecycle_for(open_amount),
    )
    return new, -amount


Step = Callable[["ClaimState", int], tuple["ClaimState", int]]


def _transfer_step(target: TransferStatus, allowed_from: tuple[TransferStatus, ...]) -> Step:
    def step(state: ClaimState, _amount: int) -> tuple[ClaimState, int]:
        _require(
            state.transfer in allowed_from,
            "transfer_order",
            gettext_noop("The claim's transfer cannot take that step now."),
        )
        return state._replace(transfer=target), 0

    return step


_to_queue = _transfer_step(
    TransferStatus.QUEUED, (TransferStatus.AT_LIBRARY, TransferStatus.REJECTED)
)


def _queue(state: ClaimState, amount: int) -> tuple[ClaimState, int]:
    # Classification lets no cancelled claim go; the journal refuses one all the same (a
    # cancellation made while its hand-over was prepared must not be overtaken by it).
    _require(
        state.lifecycle is not Lifecycle.CANCELLED,
        "queue_cancelled",
        gettext_noop("A cancelled claim cannot be handed over."),
    )
    return _to_queue(state, amount)


_HANDLERS = {
    EventKind.ACKNOWLEDGED: _acknowledge,
    EventKind.WRITTEN_DOWN: _write_down,
    EventKind.CANCELLED: _cancel,
    EventKind.REOPENED: _reopen,
    EventKind.COVERED: _cover,
    EventKind.COVERAGE_REVERSED: _reverse_coverage,
    EventKind.WRITTEN_OFF: _write_off,
    EventKind.QUEUED: _queue,
    EventKind.TRANSFERRED: _transfer_step(TransferStatus.TRANSFERRED, (TransferStatus.QUEUED,)),
    EventKind.ACCEPTED: _transfer_step(
        TransferStatus.ACCEPTED, (TransferStatus.QUEUED, TransferStatus.TRANSFERRED)
    ),
    EventKind.REJECTED: _transfer_step(
        TransferStatus.REJECTED, (TransferStatus.QUEUED, TransferStatus.TRANSFERRED)
    ),
}


def fold(events: Iterable[Event]) -> ClaimState:
    """The state after a whole journal, checking every step."""
    state = ClaimState()
    for event in events:
        state, _delta = apply(state, event)
    return state


def check_claim_facts(
    *, kind: str, created_on: dt.date, due_date: dt.date, today: dt.date, acknowledged: bool = False
) -> None:
    """A new claim's own facts, before it is written (the service and the import alike)."""
    if kind not in {k.value for k in ClaimKind}:
        raise DomainError(
            "claim_kind", gettext_noop("The claim kind must be late fee or replacement.")
        )
    if created_on > today:
        raise DomainError(
            "created_future", gettext_noop("A claim cannot be created in the future.")
        )
    if due_date < created_on:
        raise DomainError(
            "due_before_created", gettext_noop("The due date is before the creation date.")
        )
    if acknowledged and kind != ClaimKind.REPLACEMENT:
        raise DomainError(
            "acknowledgement_kind",
            gettext_noop("Only a replacement claim can be acknowledged."),
        )
