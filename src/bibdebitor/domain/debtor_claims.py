"""The debtor system's rules for a claim's state, beside the library's (``domain/claims.py``):
what a cancellation, a write-down or a reopening does to a claim's journal, folded from its
entries. Pure Python; the reference debtor system stores the entries and refuses by code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Entry(StrEnum):
    """A debtor claim's journal entry kinds, as stored."""

    REGISTERED = "registered"
    CANCELLED = "cancelled"
    WRITTEN_DOWN = "written_down"
    REOPENED = "reopened"
    PAID = "paid"
    WRITTEN_OFF = "written_off"
    HANDED_OVER = "handed_over"
    # What was paid on a claim the library cancels: taken off the claim, onto the account's
    # credit (set off against the next invoice, or paid back), and reported as reversed.
    PAYMENT_TO_CREDIT = "payment_to_credit"


class StateRefused(Exception):
    """A change the claim's state does not allow; ``code`` is the rejection code sent back."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class DebtorClaimState:
    open_ore: int = 0
    paid_ore: int = 0  # paid and still applied to the claim
    cancelled: bool = False
    cancelled_ore: int = 0  # what the latest cancellation took off (a reopen restores it)


def fold(entries: Iterable[tuple[str, int, int]]) -> DebtorClaimState:
    """The state after ``(kind, amount, delta)`` entries in journal order."""
    open_ore = paid = cancelled_ore = 0
    cancelled = False
    for kind, amount, delta in entries:
        open_ore += delta
        if kind == Entry.PAID:
            paid += amount
        elif kind == Entry.PAYMENT_TO_CREDIT:
            paid -= amount
        elif kind == Entry.CANCELLED:
            cancelled, cancelled_ore = True, amount
        elif kind == Entry.REOPENED:
            cancelled, cancelled_ore = False, 0
    return DebtorClaimState(open_ore, paid, cancelled, cancelled_ore)


Change = tuple[Entry, int, int]  # (kind, amount, delta) of an entry to append


def cancel(state: DebtorClaimState) -> list[Change]:
    """A cancelled claim owes nothing, so what the citizen paid on it is theirs again: it
    leaves the claim first (to the account's credit), then the whole amount is cancelled."""
    if state.cancelled:
        raise StateRefused("FORDRING_ANNULLERET")
    changes: list[Change] = []
    open_ore = state.open_ore
    if state.paid_ore > 0:
        changes.append((Entry.PAYMENT_TO_CREDIT, state.paid_ore, state.paid_ore))
        open_ore += state.paid_ore
    changes.append((Entry.CANCELLED, open_ore, -open_ore))
    return changes


def write_down(state: DebtorClaimState, amount: int | None) -> list[Change]:
    if state.cancelled:
        raise StateRefused("FORDRING_ANNULLERET")
    if amount is None:
        raise StateRefused("BELOEB_MANGLER")
    if amount > state.open_ore:
        raise StateRefused("BELOEB_OVERSTIGER_SALDO")
    return [(Entry.WRITTEN_DOWN, amount, -amount)]


def reopen(state: DebtorClaimState) -> list[Change]:
    if not state.cancelled:
        raise StateRefused("FORDRING_IKKE_ANNULLERET")
    return [(Entry.REOPENED, state.cancelled_ore, state.cancelled_ore)]
