"""The seed table (003, "Opsæt regler i debitor"): 7 borrower kinds x 3 claim kinds."""

import datetime as dt

import pytest

from bibdebitor.domain.classification import (
    AccountType,
    Blocker,
    Borrower,
    BorrowerKind,
    ClaimFacts,
    ClaimType,
    Cleansing,
    Guardianship,
    Liable,
    Policy,
    classify,
    guardianships,
)

CREATED = dt.date(2026, 9, 1)
CHILD_BORN = dt.date(2015, 6, 1)
GUARDIAN_CPR = "0101902005"
POLICY = Policy(cutoff_date=dt.date(2026, 6, 15), substitute_cpr_enabled=True, vendor="kmd_opus")

BORROWERS = {
    BorrowerKind.ADULT_CPR: Borrower("person", cpr="1505751007", birth_date=dt.date(1975, 5, 15)),
    BorrowerKind.ADULT_SUBSTITUTE: Borrower(
        "person", cpr="7505751007", birth_date=dt.date(1975, 5, 15)
    ),
    BorrowerKind.COMPANY_CVR: Borrower("institution", cvr="13585628"),
    BorrowerKind.MINOR_GUARDIAN_CPR: Borrower(
        "person",
        cpr="0106154003",
        birth_date=CHILD_BORN,
        guardianships=(Guardianship(GUARDIAN_CPR, dt.date(2026, 1, 1)),),
    ),
    BorrowerKind.MINOR_GUARDIAN_SUBSTITUTE: Borrower(
        "person",
        cpr="6106154003",
        birth_date=CHILD_BORN,
        guardianships=(Guardianship(GUARDIAN_CPR, dt.date(2026, 1, 1)),),
    ),
    BorrowerKind.MINOR_CPR: Borrower("person", cpr="0106154003", birth_date=CHILD_BORN),
    BorrowerKind.MINOR_SUBSTITUTE: Borrower("person", cpr="6106154003", birth_date=CHILD_BORN),
}
ACCOUNT = {
    BorrowerKind.ADULT_CPR: (AccountType.STANDARD, Liable.PATRON),
    BorrowerKind.ADULT_SUBSTITUTE: (AccountType.STANDARD, Liable.PATRON),
    BorrowerKind.COMPANY_CVR: (AccountType.STANDARD, Liable.COMPANY),
    BorrowerKind.MINOR_GUARDIAN_CPR: (AccountType.MINOR_WITH_GUARDIAN, Liable.GUARDIAN),
    BorrowerKind.MINOR_GUARDIAN_SUBSTITUTE: (AccountType.MINOR_WITH_GUARDIAN, Liable.GUARDIAN),
    BorrowerKind.MINOR_CPR: (AccountType.MINOR_WITHOUT_GUARDIAN, Liable.PATRON),
    BorrowerKind.MINOR_SUBSTITUTE: (AccountType.MINOR_WITHOUT_GUARDIAN, Liable.PATRON),
}
CLAIMS = {
    ClaimType.LATE_FEE: ("late_fee", False),
    ClaimType.REPLACEMENT_ACKNOWLEDGED: ("replacement", True),
    ClaimType.REPLACEMENT_UNACKNOWLEDGED: ("replacement", False),
}


def facts(kind="late_fee", acknowledged=False, created_on=CREATED, **extra):
    values = {"open_ore": 5000, "cancelled": False, "transferred": False} | extra
    return ClaimFacts(kind=kind, created_on=created_on, acknowledged=acknowledged, **values)


@pytest.mark.parametrize("borrower_kind", list(BorrowerKind))
@pytest.mark.parametrize("claim_type", list(ClaimType))
def test_every_row_of_the_seed_table(borrower_kind, claim_type):
    kind, acknowledged = CLAIMS[claim_type]
    result = classify(BORROWERS[borrower_kind], facts(kind, acknowledged), POLICY)
    assert result.borrower is borrower_kind
    assert (result.account_type, result.liable) == ACCOUNT[borrower_kind]
    assert result.claim_type is claim_type
    assert result.transferable, result.blockers


def test_consent_after_the_claim_does_not_move_it():
    late_consent = Borrower(
        "person",
        cpr="0106154003",
        birth_date=CHILD_BORN,
        guardianships=guardianships([("given", CREATED + dt.timedelta(days=1), GUARDIAN_CPR)]),
    )
    result = classify(late_consent, facts(), POLICY)
    assert result.account_type is AccountType.MINOR_WITHOUT_GUARDIAN
    result = classify(late_consent, facts(created_on=CREATED + dt.timedelta(days=1)), POLICY)
    assert result.account_type is AccountType.MINOR_WITH_GUARDIAN


def test_a_withdrawn_consent_ends_the_guardianship():
    withdrawn = Borrower(
        "person",
        cpr="0106154003",
        birth_date=CHILD_BORN,
        guardianships=guardianships(
            [("given", dt.date(2026, 1, 1), GUARDIAN_CPR), ("withdrawn", CREATED, "")]
        ),
    )
    assert classify(withdrawn, facts(), POLICY).account_type is AccountType.MINOR_WITHOUT_GUARDIAN


def test_age_is_taken_on_the_claims_creation_date():
    turns_18 = Borrower("person", cpr="0109084003", birth_date=dt.date(2008, 9, 1))
    assert classify(turns_18, facts(created_on=dt.date(2026, 8, 31)), POLICY).account_type is (
        AccountType.MINOR_WITHOUT_GUARDIAN
    )
    assert classify(turns_18, facts(created_on=dt.date(2026, 9, 1)), POLICY).account_type is (
        AccountType.STANDARD
    )


ADULT = BORROWERS[BorrowerKind.ADULT_CPR]
SUBSTITUTE = BORROWERS[BorrowerKind.ADULT_SUBSTITUTE]


@pytest.mark.parametrize(
    ("borrower", "claim", "policy", "blockers"),
    [
        (
            Borrower("person", birth_date=dt.date(1975, 5, 15)),
            facts(),
            Policy(dt.date(2026, 6, 15), substitute_cpr_enabled=False),
            {Blocker.NO_IDENTIFIER},
        ),
        (Borrower("person"), facts(), POLICY, {Blocker.NO_IDENTIFIER}),  # no birth date either
        (
            SUBSTITUTE,
            facts(),
            Policy(dt.date(2026, 6, 15), substitute_cpr_enabled=False),
            {Blocker.SUBSTITUTE_CPR_OFF},
        ),
        (
            SUBSTITUTE,
            facts(),
            Policy(dt.date(2026, 6, 15), True, vendor="prisme_2015"),
            {Blocker.VENDOR_REJECTS_SUBSTITUTE},
        ),
        (
            Borrower("person", birth_date=dt.date(1975, 5, 15)),
            facts(),
            Policy(dt.date(2026, 6, 15), True, vendor="prisme_2009"),
            {Blocker.VENDOR_REJECTS_SUBSTITUTE},
        ),
        (
            Borrower("person", cpr="0101650000", birth_date=dt.date(1965, 1, 1)),
            facts(),
            Policy(dt.date(2026, 6, 15), True, vendor="prisme_2015", modulus11_required=True),
            {Blocker.VENDOR_REJECTS_NO_MODULUS11},
        ),
        (Borrower("company"), facts(), POLICY, {Blocker.COMPANY_WITHOUT_CVR}),
        (ADULT, facts(created_on=dt.date(2026, 6, 14)), POLICY, {Blocker.BEFORE_CUTOFF}),
        (ADULT, facts(), Policy(None, True), {Blocker.NO_CUTOFF}),
        (ADULT, facts(transferred=True), POLICY, {Blocker.ALREADY_TRANSFERRED}),
        (ADULT, facts(cancelled=True, open_ore=0), POLICY, {Blocker.NOT_OPEN}),
        (ADULT, facts(open_ore=0), POLICY, {Blocker.NOT_OPEN}),
        (
            Borrower("company"),
            facts(created_on=dt.date(2026, 1, 1), transferred=True),
            POLICY,
            {Blocker.COMPANY_WITHOUT_CVR, Blocker.BEFORE_CUTOFF, Blocker.ALREADY_TRANSFERRED},
        ),
    ],
)
def test_claims_that_cannot_go_say_why(borrower, claim, policy, blockers):
    result = classify(borrower, claim, policy)
    assert set(result.blockers) == blockers
    assert not result.transferable


def test_a_person_without_cpr_gets_a_substitute_where_switched_on():
    result = classify(Borrower("person", birth_date=dt.date(1975, 5, 15)), facts(), POLICY)
    assert result.transferable
    assert result.cleansing == (Cleansing.SUBSTITUTE_WILL_BE_MADE,)


def test_the_cut_off_date_itself_is_included():
    assert classify(ADULT, facts(created_on=dt.date(2026, 6, 15)), POLICY).transferable


def test_guardianships_from_a_consent_journal():
    journal = [
        ("given", dt.date(2024, 1, 1), "A"),
        ("withdrawn", dt.date(2025, 1, 1), "A"),
        ("given", dt.date(2025, 6, 1), "B"),
        ("given", dt.date(2026, 1, 1), "C"),
    ]
    borrower = Borrower(
        "person", cpr="0106154003", birth_date=CHILD_BORN, guardianships=guardianships(journal)
    )
    assert [
        borrower.guardian_on(dt.date(*d))
        for d in [(2023, 12, 31), (2024, 6, 1), (2025, 3, 1), (2025, 6, 1), (2026, 1, 1)]
    ] == [None, "A", None, "B", "C"]


def test_prisme_takes_substitute_cpr_claims_with_a_manual_process_and_no_modulus_11_rule():
    """Seed 003 ("Opsæt regler i debitor"): for Fujitsu Prisme, substitute-CPR claims "fejle,
    medmindre der samtidigt indføres en manuel proces"; no source makes Prisme refuse CPR
    numbers without modulus 11 (valid since 2007)."""
    for vendor in ("prisme_2015", "prisme_2009"):
        without = Policy(dt.date(2026, 6, 15), True, vendor=vendor)
        manual = Policy(dt.date(2026, 6, 15), True, vendor=vendor, substitute_manual_process=True)
        assert classify(SUBSTITUTE, facts(), without).blockers == (
            Blocker.VENDOR_REJECTS_SUBSTITUTE,
        )
        assert classify(SUBSTITUTE, facts(), manual).transferable
        valid = Borrower("person", cpr="0101650000", birth_date=dt.date(1965, 1, 1))
        assert classify(valid, facts(), without).transferable
