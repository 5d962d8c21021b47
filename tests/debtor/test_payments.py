"""Payments: explicit allocation oldest first, partial payments, overpayment as credit set off
against the next invoice, bank file matching, staff write-offs; and what goes back to the
library."""

import datetime as dt

import pytest

from bibdebitor.debtor import clock, cycle
from bibdebitor.debtor.models import (
    CoverageMessage,
    Document,
    DocumentKind,
    Payment,
    PaymentChannel,
)
from bibdebitor.debtor.payments import (
    PaymentError,
    import_bank_file,
    record_payment,
    write_off,
)
from bibdebitor.debtor.selectors import credit_of, open_balances
from bibdebitor.debtor.statement import statement
from bibdebitor.domain.payment_codes import code_line
from bibdebitor.protocol.messages import Outcome, StateAction

pytestmark = pytest.mark.django_db


def invoice():
    return Document.objects.filter(kind=DocumentKind.INVOICE).latest("id")


def balance(claim):
    return open_balances(type(claim).objects.filter(pk=claim.pk)).get(claim.pk, 0)


def coverage():
    return [(m.kind, m.claim_id, m.amount_ore) for m in CoverageMessage.objects.order_by("id")]


def pay(amount, reference="T1", target=None, channel=PaymentChannel.CARD):
    target = target or invoice()
    return record_payment(
        target.instance, channel=channel, reference=reference, amount_ore=amount, invoice=target
    )


def test_a_partial_payment_goes_to_the_oldest_claim_first(debtor):
    debtor.register(10_000)
    debtor.register(20_000)
    cycle.advance(0)
    booking = pay(15_000)
    assert (booking.allocated_ore, booking.credit_ore) == (15_000, 0)
    assert balance(debtor.claim(1)) == 0
    assert balance(debtor.claim(2)) == 15_000
    assert coverage() == [("DÆKNING", "799900-1", 10_000), ("DÆKNING", "799900-2", 5_000)]


def test_fees_are_paid_after_the_claims_and_never_reported_to_the_library(debtor):
    debtor.register(12_500)
    cycle.advance(40)  # invoice, then the first reminder with a 100 kr fee
    assert Document.objects.filter(kind=DocumentKind.REMINDER).count() == 1
    pay(22_500)
    assert coverage() == [("DÆKNING", "799900-1", 12_500)]
    assert sum(open_balances(debtor.account().claims.all()).values()) == 0


def test_an_overpayment_becomes_a_credit_set_off_against_the_next_invoice(debtor):
    debtor.register(10_000)
    cycle.advance(0)
    booking = pay(16_000)
    assert (booking.allocated_ore, booking.credit_ore) == (10_000, 6_000)
    assert credit_of(debtor.account()) == 6_000
    debtor.register(8_000)
    cycle.advance(1)
    assert balance(debtor.claim(2)) == 2_000
    assert credit_of(debtor.account()) == 0
    assert coverage()[-1] == ("DÆKNING", "799900-2", 6_000)


def test_the_same_payment_is_booked_once(debtor):
    debtor.register(10_000)
    cycle.advance(0)
    pay(4_000, reference="kort-77")
    again = pay(4_000, reference="kort-77")
    assert again.duplicate
    assert Payment.objects.count() == 1
    assert balance(debtor.claim(1)) == 6_000


def test_a_payment_must_be_positive(debtor):
    debtor.register(10_000)
    cycle.advance(0)
    with pytest.raises(PaymentError):
        pay(0)


def test_bank_file_matches_on_the_code_line(debtor):
    debtor.register(10_000)
    debtor.register(30_000, patron="1002")
    cycle.advance(0)
    first, second = Document.objects.filter(kind=DocumentKind.INVOICE).order_by("id")
    unknown = code_line(first.pk + 1000, debtor.instance.creditor_number)
    other_creditor = code_line(first.pk, "81111111")
    day = clock.today()
    rows = [
        "dato;beløb;kodelinje;reference",
        f"{day:%d-%m-%Y};100,00;{first.code_line};B1",
        f"{day:%d-%m-%Y};50,00;{second.code_line};B2",
        f"{day:%d-%m-%Y};50,00;{second.code_line};B2",
        f"{day:%d-%m-%Y};75,00;{unknown};B3",
        f"{day:%d-%m-%Y};75,00;{other_creditor};B4",
        f"{day:%d-%m-%Y};75,00;+71<123+87654321<;B5",
        f"32-01-2026;10,00;{first.code_line};B6",
        f"{day:%d-%m-%Y};ti kroner;{first.code_line};B7",
    ]
    report = import_bank_file(debtor.instance, "\n".join(rows).encode())
    assert (report.booked, report.unplaced, report.duplicates) == (2, 2, 1)
    assert [number for number, _ in report.errors] == [7, 8, 9]
    assert all(text for _, text in report.errors), report.errors
    assert "betalings-id" in report.errors[0][1].lower(), report.errors
    assert balance(debtor.claim(1)) == 0
    assert balance(debtor.claim(2)) == 25_000
    unplaced = Payment.objects.filter(account__isnull=True)
    assert sorted(p.reference for p in unplaced) == ["B3", "B4"]


def test_bank_file_with_wrong_columns_is_refused_whole(debtor):
    report = import_bank_file(debtor.instance, b"date,amount\n2026-01-01,10\n")
    assert report.booked == 0
    assert report.errors
    assert "Kolonnerne" in report.errors[0][1]


def test_staff_write_off_reaches_the_library(debtor):
    debtor.register(10_000)
    cycle.advance(0)
    write_off(debtor.claim(1), 4_000, "Borger afgået ved døden", actor="staff:sagsbehandler")
    assert balance(debtor.claim(1)) == 6_000
    assert coverage() == [("AFSKRIVNING", "799900-1", 4_000)]
    with pytest.raises(PaymentError):
        write_off(debtor.claim(1), 7_000, "for meget", actor="staff:sagsbehandler")
    with pytest.raises(PaymentError):
        write_off(debtor.claim(1), 1_000, "  ", actor="staff:sagsbehandler")


def test_nightly_coverage_waits_for_the_weekday_evening_run(debtor):
    debtor.register(10_000)
    cycle.advance(0)
    clock.set_now(dt.datetime(2026, 3, 6, 21, 1, tzinfo=dt.UTC))  # Friday 22:01 in Denmark
    pay(1_000)
    (message,) = CoverageMessage.objects.all()
    local = message.available_at.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert (local.weekday(), local.hour) == (0, 22)  # Monday evening: 72 hours later


def test_immediate_coverage_may_leave_at_once(debtor):
    debtor.instance.coverage_mode = "immediate"
    debtor.instance.save()
    debtor.register(10_000)
    cycle.advance(0)
    before = clock.now()
    pay(1_000)
    (message,) = CoverageMessage.objects.all()
    assert before <= message.available_at <= clock.now()


def test_cancelling_a_paid_claim_gives_the_money_back_as_credit_and_tells_the_library(debtor):
    """Issue "the domain as the sources say" (item 6): a cancel after a partial payment must
    not keep the money as covered with nothing owed back. What was paid moves to the
    account's credit (visible to staff, set off against the next invoice), the claim owes
    nothing and shows nothing paid, and the library is told by reversed coverage."""
    debtor.register(12_500)
    cycle.advance(0)
    pay(5_000)
    receipt = debtor.change("799900-1", StateAction.CANCEL)
    assert receipt.lines[0].outcome is Outcome.ACCEPTED
    claim = debtor.claim(1)
    assert balance(claim) == 0
    assert credit_of(claim.account) == 5_000
    kinds = list(claim.entries.order_by("id").values_list("kind", "amount_ore", "delta_ore"))
    assert kinds[-2:] == [("payment_to_credit", 5_000, 5_000), ("cancelled", 12_500, -12_500)]
    assert coverage() == [
        ("DÆKNING", "799900-1", 5_000),
        ("DÆKNING_TILBAGEFØRT", "799900-1", 5_000),
    ]
    (line,), _cursor = statement(debtor.sender)
    assert (line.open_ore, line.paid_ore, line.state) == (0, 0, "cancelled")
    # Reopened, the claim owes its whole amount again; the credit pays the next invoice.
    debtor.change("799900-1", StateAction.REOPEN)
    assert balance(debtor.claim(1)) == 12_500
