"""Collection rules: lawful limits, the reminder round, every hand-over precondition, and
allocation that never loses or invents an øre."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibdebitor.domain.collection import (
    Channel,
    CollectionRule,
    HandOverBlocker,
    InvoiceFacts,
    RuleError,
    Step,
    allocate,
    channel_for,
    hand_over_blockers,
    invoice_due,
    next_step,
    rule_errors,
)

DAY = dt.date(2026, 6, 1)


def codes(rule):
    return [error.code for error in rule_errors(rule)]


def test_the_defaults_are_lawful():
    assert codes(CollectionRule()) == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"payment_deadline_days": 0}, "deadline"),
        ({"reminder_fee_ore": 10_001}, "reminder_fee"),
        ({"max_reminders": 4}, "max_reminders"),
        ({"reminder_interval_days": 9}, "reminder_interval"),
        ({"hand_over_minimum_ore": 9_999}, "hand_over_minimum"),
        ({"private_law": False, "reminder_fee_ore": 25_001}, "reminder_fee"),
        ({"invoice_threshold_ore": -1}, "invoice"),
    ],
)
def test_unlawful_rules_are_refused(changes, code):
    assert codes(CollectionRule(**changes)) == [code]


def test_public_law_claims_may_have_higher_fees_and_more_reminders():
    rule = CollectionRule(
        private_law=False, reminder_fee_ore=25_000, max_reminders=5, reminder_interval_days=7
    )
    assert codes(rule) == []


def test_invoice_waits_for_threshold_and_delay():
    rule = CollectionRule(invoice_threshold_ore=5_000, invoice_delay_days=3)
    assert not invoice_due(rule, 4_999, DAY, DAY + dt.timedelta(days=9))
    assert not invoice_due(rule, 5_000, DAY, DAY + dt.timedelta(days=2))
    assert invoice_due(rule, 5_000, DAY, DAY + dt.timedelta(days=3))


def test_channels():
    assert channel_for(is_company=True, has_gln=True, is_minor=False, exempt=False) is (
        Channel.E_INVOICE
    )
    assert channel_for(is_company=False, has_gln=False, is_minor=True, exempt=False) is (
        Channel.PAPER
    )
    assert channel_for(is_company=False, has_gln=False, is_minor=False, exempt=True) is (
        Channel.PAPER
    )


def facts(**changes):
    values = {
        "deadline": DAY,
        "reminders": (),
        "notice_on": None,
        "open_ore": 20_000,
        "last_timely_payment_date": DAY,
        "liable_is_minor": False,
        "liable_has_substitute_cpr": False,
        "handed_over": False,
    }
    values.update(changes)
    return InvoiceFacts(**values)


def days(n):
    return DAY + dt.timedelta(days=n)


def test_the_reminder_round_then_hand_over():
    rule = CollectionRule()
    assert next_step(rule, facts(), days(9)) is Step.NOTHING
    assert next_step(rule, facts(), days(10)) is Step.REMIND
    two = facts(reminders=(days(10), days(20)))
    assert next_step(rule, two, days(29)) is Step.NOTHING
    assert next_step(rule, two, days(30)) is Step.REMIND
    done = facts(reminders=(days(10), days(20), days(30)), notice_on=days(30))
    assert next_step(rule, done, days(43)) is Step.NOTHING
    assert next_step(rule, done, days(44)) is Step.HAND_OVER
    assert next_step(rule, facts(open_ore=0), days(10)) is Step.NOTHING


@pytest.mark.parametrize(
    ("changes", "today", "blocker"),
    [
        ({"last_timely_payment_date": days(60)}, days(60), HandOverBlocker.SRB_NOT_PASSED),
        ({"reminders": (days(10),)}, days(60), HandOverBlocker.REMINDERS_NOT_DONE),
        ({"notice_on": None}, days(60), HandOverBlocker.NO_NOTICE),
        ({"notice_on": days(50)}, days(60), HandOverBlocker.NOTICE_PERIOD),
        ({"open_ore": 9_999}, days(60), HandOverBlocker.BELOW_MINIMUM),
        ({"liable_is_minor": True}, days(60), HandOverBlocker.MINOR),
        ({"liable_has_substitute_cpr": True}, days(60), HandOverBlocker.SUBSTITUTE_CPR),
        ({"handed_over": True}, days(60), HandOverBlocker.NOTHING_OWED),
    ],
)
def test_each_hand_over_precondition_alone_stops_it(changes, today, blocker):
    base = {"reminders": (days(10), days(20), days(30)), "notice_on": days(30)}
    rule = CollectionRule()
    assert hand_over_blockers(rule, facts(**base), today) == []
    assert hand_over_blockers(rule, facts(**{**base, **changes}), today) == [blocker]


def test_a_claim_type_kept_from_collection():
    done = facts(reminders=(days(10), days(20), days(30)), notice_on=days(30))
    rule = CollectionRule(hand_over=False)
    assert hand_over_blockers(rule, done, days(90)) == [HandOverBlocker.OFF]


@given(
    amount=st.integers(1, 10**8),
    items=st.lists(st.integers(0, 10**7), max_size=12),
)
def test_allocation_is_oldest_first_and_exact(amount, items):
    shares, left = allocate(amount, list(enumerate(items)))
    assert sum(share for _, share in shares) + left == amount
    assert all(0 < share <= items[key] for key, share in shares)
    paid_in_full = [items[key] == share for key, share in shares]
    assert all(paid_in_full[:-1]), "only the last item paid may be partial"
    if left:
        assert sum(items) == amount - left


def test_allocation_refuses_nothing_or_less():
    with pytest.raises(RuleError):
        allocate(0, [("a", 100)])


def test_claims_left_without_collection_get_no_reminder_and_are_not_handed_over():
    """Seed 003: such claims "ligge uden opkrævning" -- also those invoiced before."""
    assert next_step(CollectionRule(), facts(), days(10)) is Step.REMIND
    off = CollectionRule(collect=False)
    for later in (10, 60, 365):
        assert next_step(off, facts(), days(later)) is Step.NOTHING
    noticed = facts(reminders=(days(10), days(20), days(30)), notice_on=days(30))
    assert next_step(CollectionRule(), noticed, days(60)) is Step.HAND_OVER
    assert next_step(off, noticed, days(60)) is Step.NOTHING
