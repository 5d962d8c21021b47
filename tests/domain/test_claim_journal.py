import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibdebitor.domain.claims import (
    ClaimState,
    Event,
    EventKind,
    JournalError,
    Lifecycle,
    TransferStatus,
    apply,
    fold,
)

K = EventKind


def journal(*events):
    return fold([Event(K.CREATED, 30000), *events])


def test_new_claim_is_open_for_its_amount():
    state = journal()
    assert (state.original, state.open, state.lifecycle) == (30000, 30000, Lifecycle.OPEN)
    assert state.transfer is TransferStatus.AT_LIBRARY


def test_partial_then_full_coverage():
    state = journal(Event(K.COVERED, 10000))
    assert (state.open, state.covered, state.lifecycle) == (20000, 10000, Lifecycle.OPEN)
    state = journal(Event(K.COVERED, 10000), Event(K.COVERED, 20000))
    assert (state.open, state.covered, state.lifecycle) == (0, 30000, Lifecycle.SETTLED)


def test_overpayment_becomes_credit_not_a_negative_balance():
    state = journal(Event(K.COVERED, 35000))
    assert (state.open, state.credit, state.lifecycle) == (0, 5000, Lifecycle.SETTLED)


def test_reversal_takes_credit_first_then_reopens_the_balance():
    state = journal(Event(K.COVERED, 35000), Event(K.COVERAGE_REVERSED, 10000))
    assert (state.open, state.credit, state.covered) == (5000, 0, 25000)
    assert state.lifecycle is Lifecycle.OPEN


def test_write_down_and_write_off():
    state = journal(Event(K.WRITTEN_DOWN, 5000), Event(K.WRITTEN_OFF, 25000))
    assert (state.open, state.written_down, state.written_off) == (0, 5000, 25000)
    assert state.lifecycle is Lifecycle.SETTLED


def test_cancel_and_reopen_restore_the_balance_before_cancelling():
    state = journal(Event(K.COVERED, 10000), Event(K.CANCELLED))
    assert (state.open, state.lifecycle) == (0, Lifecycle.CANCELLED)
    state = journal(Event(K.COVERED, 10000), Event(K.CANCELLED), Event(K.REOPENED))
    assert (state.open, state.lifecycle) == (20000, Lifecycle.OPEN)


def test_a_payment_booked_before_the_cancellation_was_known_is_kept_as_credit():
    """The debtor system may report a payment it booked before it learnt of a cancellation;
    it moves the money to the citizen's credit and reports the reversal (docs/protocol.md)."""
    state = journal(Event(K.CANCELLED), Event(K.COVERED, 10000))
    assert (state.open, state.covered, state.credit) == (0, 10000, 10000)
    state = journal(Event(K.CANCELLED), Event(K.COVERED, 10000), Event(K.COVERAGE_REVERSED, 10000))
    assert (state.open, state.covered, state.credit, state.lifecycle) == (
        0,
        0,
        0,
        Lifecycle.CANCELLED,
    )


@pytest.mark.parametrize(
    ("events", "code"),
    [
        ([Event(K.WRITTEN_DOWN, 30001)], "exceeds_open"),
        ([Event(K.WRITTEN_DOWN, 0)], "zero_amount"),
        ([Event(K.COVERED, -1)], "negative_amount"),
        ([Event(K.REOPENED)], "not_cancelled"),
        ([Event(K.CANCELLED), Event(K.CANCELLED)], "cancelled"),
        ([Event(K.CANCELLED), Event(K.WRITTEN_DOWN, 100)], "not_open"),
        ([Event(K.COVERAGE_REVERSED, 100)], "exceeds_covered"),
        ([Event(K.CREATED, 100)], "already_created"),
        ([Event(K.TRANSFERRED)], "transfer_order"),
        ([Event(K.QUEUED), Event(K.QUEUED)], "transfer_order"),
        ([Event(K.CANCELLED), Event(K.QUEUED)], "queue_cancelled"),
    ],
)
def test_refused_events(events, code):
    with pytest.raises(JournalError) as caught:
        journal(*events)
    assert caught.value.code == code


def test_nothing_happens_to_a_claim_that_does_not_exist():
    with pytest.raises(JournalError) as caught:
        apply(ClaimState(), Event(K.COVERED, 100))
    assert caught.value.code == "no_claim"


def test_transfer_path_and_a_rejected_claim_can_be_queued_again():
    state = journal(Event(K.QUEUED), Event(K.TRANSFERRED), Event(K.ACCEPTED))
    assert state.transfer is TransferStatus.ACCEPTED
    assert state.is_transferred
    state = journal(Event(K.QUEUED), Event(K.REJECTED), Event(K.QUEUED))
    assert state.transfer is TransferStatus.QUEUED


money_events = st.lists(
    st.tuples(
        st.sampled_from(
            [K.COVERED, K.WRITTEN_DOWN, K.WRITTEN_OFF, K.CANCELLED, K.REOPENED, K.COVERAGE_REVERSED]
        ),
        st.integers(min_value=1, max_value=40000),
    ),
    max_size=30,
)


@given(st.integers(min_value=1, max_value=10**9), money_events)
def test_open_balance_is_always_the_sum_of_deltas_and_never_negative(amount, steps):
    state, delta = apply(ClaimState(), Event(K.CREATED, amount))
    total = delta
    for kind, value in steps:
        try:
            state, delta = apply(state, Event(kind, value))
        except JournalError:
            continue
        total += delta
        assert state.open == total
        assert state.open >= 0
        assert state.credit >= 0


def test_a_reversal_while_cancelled_comes_back_with_the_reopen():
    state = journal(Event(K.COVERED, 30000), Event(K.CANCELLED), Event(K.COVERAGE_REVERSED, 10000))
    assert (state.open, state.lifecycle) == (0, Lifecycle.CANCELLED)
    state = journal(
        Event(K.COVERED, 30000),
        Event(K.CANCELLED),
        Event(K.COVERAGE_REVERSED, 10000),
        Event(K.REOPENED),
    )
    assert (state.open, state.lifecycle) == (10000, Lifecycle.OPEN)
