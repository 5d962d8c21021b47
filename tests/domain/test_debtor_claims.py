"""The debtor system's claim state rules, pure: cancel (moving what was paid to credit first),
write down within the open balance, reopen what the latest cancellation took off."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibdebitor.domain.debtor_claims import (
    DebtorClaimState,
    Entry,
    StateRefused,
    cancel,
    fold,
    reopen,
    write_down,
)


def registered(amount):
    return [(Entry.REGISTERED, amount, amount)]


def test_a_cancel_after_a_payment_moves_the_payment_to_credit_first():
    state = fold([*registered(12_500), (Entry.PAID, 5_000, -5_000)])
    assert (state.open_ore, state.paid_ore) == (7_500, 5_000)
    changes = cancel(state)
    assert changes == [(Entry.PAYMENT_TO_CREDIT, 5_000, 5_000), (Entry.CANCELLED, 12_500, -12_500)]
    after = fold([*registered(12_500), (Entry.PAID, 5_000, -5_000), *changes])
    assert after == DebtorClaimState(open_ore=0, paid_ore=0, cancelled=True, cancelled_ore=12_500)
    reopened = fold([*registered(12_500), (Entry.PAID, 5_000, -5_000), *changes, *reopen(after)])
    assert (reopened.open_ore, reopened.cancelled) == (12_500, False)


@pytest.mark.parametrize(
    ("state", "change", "code"),
    [
        (DebtorClaimState(cancelled=True), cancel, "FORDRING_ANNULLERET"),
        (DebtorClaimState(cancelled=True), lambda s: write_down(s, 100), "FORDRING_ANNULLERET"),
        (DebtorClaimState(open_ore=100), lambda s: write_down(s, None), "BELOEB_MANGLER"),
        (DebtorClaimState(open_ore=100), lambda s: write_down(s, 101), "BELOEB_OVERSTIGER_SALDO"),
        (DebtorClaimState(open_ore=100), reopen, "FORDRING_IKKE_ANNULLERET"),
    ],
)
def test_changes_the_state_does_not_allow_are_refused_by_code(state, change, code):
    with pytest.raises(StateRefused) as refused:
        change(state)
    assert refused.value.code == code


@given(amount=st.integers(1, 10**7), paid=st.integers(0, 10**7))
def test_cancelled_never_owes_and_never_keeps_a_payment(amount, paid):
    paid = min(paid, amount)
    entries = [*registered(amount), (Entry.PAID, paid, -paid)]
    after = fold([*entries, *cancel(fold(entries))])
    assert (after.open_ore, after.paid_ore, after.cancelled) == (0, 0, True)
