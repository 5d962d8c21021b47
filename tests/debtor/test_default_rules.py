"""The collection rules a new instance starts with."""

from bibdebitor.debtor.setup import DEFAULT_RULES
from bibdebitor.domain.collection import CollectionRule, rule_errors


def codes(rule):
    return [error.code for error in rule_errors(rule)]


def test_every_claim_type_starts_on_the_sourced_private_law_regime():
    """Reference B.4: renteloven § 9 b, "≤ 100 kr per reminder, at most 3 fee-bearing
    reminders", ≥ 10 days apart; the 250 kr public-law fee "varies: make it configurable", so
    it is never a default. No source sets a 14-30-day payment deadline: none is enforced."""
    for rule in DEFAULT_RULES.values():
        assert rule.private_law
        assert rule.reminder_fee_ore <= 10_000
        assert rule.max_reminders <= 3
        assert rule.reminder_interval_days >= 10
    assert codes(CollectionRule(payment_deadline_days=45)) == []
    assert codes(CollectionRule(payment_deadline_days=7)) == []
