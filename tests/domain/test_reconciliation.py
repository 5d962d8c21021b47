"""The likely cause of a difference between the ledger and the debtor system, one rule at a
time, and the order in which the rules are asked."""

from dataclasses import replace

import pytest

from bibdebitor.domain.claims import TransferStatus
from bibdebitor.domain.reconciliation import Cause, DebtorView, LibraryView, Totals, compare

ACCEPTED = LibraryView(
    open=10_000,
    covered=0,
    written_off=0,
    cancelled=False,
    transfer=TransferStatus.ACCEPTED,
    delivered=True,
    unsent=False,
)
SAME = DebtorView(open=10_000, paid=0, written_off=0, state="open")


def test_agreement_is_no_discrepancy():
    assert compare(ACCEPTED, SAME) is None
    settled = replace(ACCEPTED, open=0, covered=10_000)
    assert compare(settled, DebtorView(0, 10_000, 0, "settled")) is None
    cancelled = replace(ACCEPTED, open=0, cancelled=True)
    assert compare(cancelled, DebtorView(0, 0, 0, "cancelled")) is None
    assert compare(None, None) is None


@pytest.mark.parametrize(
    ("library", "debtor", "cause"),
    [
        (None, SAME, Cause.UNKNOWN_AT_LIBRARY),
        (replace(ACCEPTED, delivered=False), SAME, Cause.OUTBOX_MISMATCH),
        (
            replace(ACCEPTED, transfer=TransferStatus.QUEUED, delivered=True),
            SAME,
            Cause.OUTBOX_MISMATCH,
        ),
        (
            replace(ACCEPTED, transfer=TransferStatus.REJECTED, delivered=False),
            None,
            Cause.REJECTED,
        ),
        (
            replace(ACCEPTED, transfer=TransferStatus.QUEUED, delivered=False, unsent=True),
            None,
            Cause.NOT_SENT,
        ),
        (ACCEPTED, None, Cause.MISSING_AT_DEBTOR),
        (replace(ACCEPTED, open=7_000, unsent=True), SAME, Cause.NOT_SENT),
        (replace(ACCEPTED, open=0, cancelled=True), SAME, Cause.STATE_DIFFERS),
        (ACCEPTED, DebtorView(4_000, 6_000, 0, "open"), Cause.COVERAGE_NOT_RECEIVED),
        (ACCEPTED, DebtorView(0, 0, 10_000, "settled"), Cause.COVERAGE_NOT_RECEIVED),
        (replace(ACCEPTED, open=9_000, covered=1_000), SAME, Cause.AMOUNTS_DIFFER),
        (ACCEPTED, DebtorView(8_000, 0, 0, "open"), Cause.AMOUNTS_DIFFER),
    ],
)
def test_each_cause(library, debtor, cause):
    assert compare(library, debtor) is cause


def test_a_refused_claim_settled_at_the_library_needs_nothing():
    refused = replace(
        ACCEPTED, open=0, covered=10_000, transfer=TransferStatus.REJECTED, delivered=False
    )
    assert compare(refused, None) is None


def test_totals_add_up_per_group():
    totals = Totals()
    totals.add(("BIB-PERSON", "late_fee"), 5_000, 5_000)
    totals.add(("BIB-PERSON", "late_fee"), 3_000, None)
    totals.add(("BIB-VIRKSOMHED", "?"), None, 2_000)
    rows = {(r["account_type"], r["claim_kind"]): r for r in totals.rows()}
    person = rows[("BIB-PERSON", "late_fee")]
    assert (person["library_claims"], person["debtor_claims"]) == (2, 1)
    assert person["difference_ore"] == 3_000
    assert rows[("BIB-VIRKSOMHED", "?")]["difference_ore"] == -2_000
