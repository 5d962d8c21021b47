"""The daily run: invoices with code lines, reminders with fees, hand-over to collection only
when every precondition holds."""

import datetime as dt

import pytest

from bibdebitor.debtor import clock, cycle
from bibdebitor.debtor.models import (
    ClaimEntry,
    ClaimOrigin,
    ClaimRule,
    DigitalPostExemption,
    Document,
    DocumentKind,
    EntryKind,
)
from bibdebitor.debtor.selectors import open_balances
from bibdebitor.domain.classification import AccountType
from bibdebitor.domain.collection import Channel
from bibdebitor.domain.payment_codes import parse_code_line

from .conftest import CHILD_CPR

pytestmark = pytest.mark.django_db


def documents(kind):
    return list(Document.objects.filter(kind=kind).order_by("id"))


def run(days=0):
    return cycle.advance(days)


def test_an_invoice_carries_a_valid_code_line_and_goes_by_digital_post(debtor):
    debtor.register(12_500)
    run()
    (invoice,) = documents(DocumentKind.INVOICE)
    assert invoice.amount_ore == 12_500
    assert invoice.deadline == clock.today() + dt.timedelta(days=30)
    assert invoice.channel == Channel.DIGITAL_POST
    line = parse_code_line(str(invoice.code_line))
    assert line.creditor == debtor.instance.creditor_number
    assert line.reference == invoice.pk
    run()
    assert len(documents(DocumentKind.INVOICE)) == 1, "a day run twice sends nothing twice"


def test_small_claims_wait_until_the_account_reaches_the_threshold(debtor):
    debtor.register(3_000)
    run(3)
    assert documents(DocumentKind.INVOICE) == []
    debtor.register(2_500)
    run()
    (invoice,) = documents(DocumentKind.INVOICE)
    assert invoice.amount_ore == 5_500
    assert invoice.lines.count() == 2


def test_children_and_citizens_exempt_from_digital_post_get_paper(debtor):
    debtor.register(10_000, cpr=CHILD_CPR, account_type=AccountType.MINOR_WITHOUT_GUARDIAN)
    debtor.register(10_000, cpr="0101901234", patron="1002")
    DigitalPostExemption.objects.create(cpr="0101901234")
    debtor.register(10_000, cvr="29189129", patron="2001")
    run()
    channels = sorted(d.channel for d in documents(DocumentKind.INVOICE))
    assert channels == [Channel.DIGITAL_POST, Channel.PAPER, Channel.PAPER]


def test_reminders_with_fees_then_hand_over_after_notice(debtor):
    debtor.register(12_500)
    run()
    (invoice,) = documents(DocumentKind.INVOICE)
    run(30 + 9)
    assert documents(DocumentKind.REMINDER) == [], "not before 10 days after the deadline"
    run(1)
    run(10)
    run(10)
    reminders = documents(DocumentKind.REMINDER)
    assert [r.number for r in reminders] == [1, 2, 3]
    assert [r.fee_ore for r in reminders] == [10_000] * 3
    assert [r.gives_notice for r in reminders] == [False, False, True]
    assert reminders[2].amount_ore == 12_500 + 30_000
    assert reminders[1].issued_on - reminders[0].issued_on == dt.timedelta(days=10)
    run(13)
    assert documents(DocumentKind.HAND_OVER) == [], "the notice period has not run out"
    run(1)
    (hand_over,) = documents(DocumentKind.HAND_OVER)
    assert hand_over.amount_ore == 42_500
    handed = ClaimEntry.objects.filter(kind=EntryKind.HANDED_OVER).count()
    assert handed == 4  # the claim and its three fees
    run(60)
    assert len(documents(DocumentKind.REMINDER)) == 3, "the private-law cap of 3 holds"
    assert invoice.follow_ups.count() == 4


def test_never_hand_over_a_minor_without_a_guardian(debtor):
    debtor.register(20_000, cpr=CHILD_CPR, account_type=AccountType.MINOR_WITHOUT_GUARDIAN)
    run(30 + 30 + 14 + 30)
    assert len(documents(DocumentKind.REMINDER)) == 3
    assert documents(DocumentKind.HAND_OVER) == []


def test_never_hand_over_under_100_kr(debtor):
    ClaimRule.objects.filter(instance=debtor.instance).update(reminder_fee_ore=0)
    debtor.register(6_000)
    run(30 + 30 + 14 + 30)
    assert len(documents(DocumentKind.REMINDER)) == 3
    assert documents(DocumentKind.HAND_OVER) == []


def test_a_claim_type_kept_from_collection_is_never_handed_over(debtor):
    ClaimRule.objects.filter(instance=debtor.instance).update(hand_over=False)
    debtor.register(50_000)
    run(120)
    assert documents(DocumentKind.HAND_OVER) == []
    assert not any(r.gives_notice for r in documents(DocumentKind.REMINDER))


def test_reminder_fees_are_debtor_claims_not_library_claims(debtor):
    debtor.register(12_500)
    run(30 + 10)
    fees = list(debtor.instance.accounts.get().claims.filter(origin=ClaimOrigin.REMINDER_FEE))
    assert [f.amount_ore for f in fees] == [10_000]
    balances = open_balances(debtor.instance.accounts.get().claims.all())
    assert sum(balances.values()) == 22_500


def test_a_claim_made_at_17_without_a_guardian_is_never_collected_from_the_adult(debtor):
    """Reference B.4: "Børn under 18 år kan ikke drages til ansvar"; what counts is the account
    type the claim arrived on (U18 without guardian), not the person's age on the day of the
    collection run: the 17-year-old's claim stays a minor's after the 18th birthday."""
    nearly_18 = "0103084000"  # born 1 March 2008 (7th digit 4: 2000s): 18 a month from now
    clock.set_now(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC))
    debtor.register(20_000, cpr=nearly_18, account_type=AccountType.MINOR_WITHOUT_GUARDIAN)
    run(30 + 30 + 14 + 30 + 60)  # far past the 18th birthday
    assert len(documents(DocumentKind.REMINDER)) == 3
    assert documents(DocumentKind.HAND_OVER) == []


def test_rules_exist_per_account_type_and_claim_type(debtor):
    """Each of the 3 × 3 account type × claim type pairs has its own rule (seed 003, "Opsæt
    regler i debitor"); a minor without a guardian is by default invoiced, never handed over."""
    rules = ClaimRule.objects.filter(instance=debtor.instance)
    assert rules.count() == 9
    minors = rules.filter(account_type_key=AccountType.MINOR_WITHOUT_GUARDIAN)
    assert {r.hand_over for r in minors} == {False}
    assert {
        r.hand_over for r in rules.exclude(account_type_key=AccountType.MINOR_WITHOUT_GUARDIAN)
    } == {True}


def test_a_minors_claims_may_lie_without_collection(debtor):
    """Seed 003 ("Gennemfør mapning"): a municipality that does not want to collect minors'
    claims lets them "ligge uden opkrævning": received, but no invoice and no reminder."""
    ClaimRule.objects.filter(
        instance=debtor.instance, account_type_key=AccountType.MINOR_WITHOUT_GUARDIAN
    ).update(collect=False)
    debtor.register(20_000, cpr=CHILD_CPR, account_type=AccountType.MINOR_WITHOUT_GUARDIAN)
    debtor.register(20_000, patron="1002")
    run(60)
    (invoice,) = documents(DocumentKind.INVOICE)
    assert invoice.account.reference.endswith(AccountType.STANDARD)
    assert debtor.claim(1).account.reference.endswith(AccountType.MINOR_WITHOUT_GUARDIAN)
