"""Reconciliation (afstemning): one claim as the library ledger sees it against the same claim
as the debtor system reports it, and the likely cause when they disagree. Pure Python.

The order of the checks is the order in which staff should look: a difference explained by
something still on its way (an unsent message, a refused hand-over) is named as such before
the amounts are compared.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from bibdebitor.domain.claims import TransferStatus
from bibdebitor.domain.errors import gettext_noop


class Cause(StrEnum):
    NOT_SENT = "not_sent"
    REJECTED = "rejected"
    MISSING_AT_DEBTOR = "missing_at_debtor"
    UNKNOWN_AT_LIBRARY = "unknown_at_library"
    OUTBOX_MISMATCH = "outbox_mismatch"
    STATE_DIFFERS = "state_differs"
    COVERAGE_NOT_RECEIVED = "coverage_not_received"
    AMOUNTS_DIFFER = "amounts_differ"


CAUSE_TEXTS = {
    Cause.NOT_SENT: gettext_noop("Not sent: a change is still waiting in the outbox."),
    Cause.REJECTED: gettext_noop("Rejected by the debtor system; see the error task."),
    Cause.MISSING_AT_DEBTOR: gettext_noop(
        "Accepted according to the ledger, but the debtor system does not have the claim."
    ),
    Cause.UNKNOWN_AT_LIBRARY: gettext_noop(
        "The debtor system has a claim the library never handed over."
    ),
    Cause.OUTBOX_MISMATCH: gettext_noop(
        "The outbox and the ledger disagree on whether the claim was delivered."
    ),
    Cause.STATE_DIFFERS: gettext_noop("Cancelled on one side only."),
    Cause.COVERAGE_NOT_RECEIVED: gettext_noop(
        "Payment or write-off in the debtor system not yet received by the library."
    ),
    Cause.AMOUNTS_DIFFER: gettext_noop("The open amounts differ."),
}


@dataclass(frozen=True, slots=True)
class LibraryView:
    """A handed-over claim in the ledger (amounts in øre)."""

    open: int
    covered: int  # net of reversals
    written_off: int
    cancelled: bool
    transfer: TransferStatus
    delivered: bool  # the outbox holds a delivered hand-over message for the claim
    unsent: bool  # some message for the claim is still waiting in the outbox


@dataclass(frozen=True, slots=True)
class DebtorView:
    """The same claim in the debtor system's statement."""

    open: int
    paid: int
    written_off: int
    state: str  # open | settled | cancelled | handed_over

    @property
    def cancelled(self) -> bool:
        return self.state == "cancelled"


def compare(library: LibraryView | None, debtor: DebtorView | None) -> Cause | None:
    """The likely cause of a difference, or ``None`` when both sides agree."""
    if library is None:
        return Cause.UNKNOWN_AT_LIBRARY if debtor is not None else None
    if (library.transfer is TransferStatus.ACCEPTED) != library.delivered:
        return Cause.OUTBOX_MISMATCH
    if debtor is None:
        return _missing(library)
    if library.cancelled == debtor.cancelled and library.open == debtor.open:
        return None
    if library.unsent:
        return Cause.NOT_SENT
    if library.cancelled != debtor.cancelled:
        return Cause.STATE_DIFFERS
    if debtor.open < library.open and (
        debtor.paid > library.covered or debtor.written_off > library.written_off
    ):
        return Cause.COVERAGE_NOT_RECEIVED
    return Cause.AMOUNTS_DIFFER


def _missing(library: LibraryView) -> Cause | None:
    if library.transfer is TransferStatus.REJECTED:
        # A refused claim the library has since settled or cancelled needs nothing more.
        return Cause.REJECTED if library.open > 0 else None
    if library.unsent:
        return Cause.NOT_SENT
    return Cause.MISSING_AT_DEBTOR


@dataclass(slots=True)
class Total:
    """Open amounts per account type and claim type, on both sides."""

    library_claims: int = 0
    library_open: int = 0
    debtor_claims: int = 0
    debtor_open: int = 0

    @property
    def difference(self) -> int:
        return self.library_open - self.debtor_open


@dataclass(slots=True)
class Totals:
    groups: dict[tuple[str, str], Total] = field(default_factory=lambda: defaultdict(Total))

    def add(
        self, group: tuple[str, str], library_open: int | None, debtor_open: int | None
    ) -> None:
        total = self.groups[group]
        if library_open is not None:
            total.library_claims += 1
            total.library_open += library_open
        if debtor_open is not None:
            total.debtor_claims += 1
            total.debtor_open += debtor_open

    def rows(self) -> list[dict[str, object]]:
        return [
            {
                "account_type": account_type,
                "claim_kind": kind,
                "library_claims": total.library_claims,
                "library_open_ore": total.library_open,
                "debtor_claims": total.debtor_claims,
                "debtor_open_ore": total.debtor_open,
                "difference_ore": total.difference,
            }
            for (account_type, kind), total in sorted(self.groups.items())
        ]
