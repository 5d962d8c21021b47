"""Claim and account references: formatted and read back in one place."""

from hypothesis import given
from hypothesis import strategies as st

from bibdebitor.domain.references import (
    account_reference,
    claim_reference,
    parse_claim_reference,
)

AGENCY = st.from_regex(r"[0-9]{6}", fullmatch=True)


@given(agency=AGENCY, number=st.integers(0, 10**12))
def test_a_claim_reference_reads_back(agency, number):
    assert parse_claim_reference(claim_reference(agency, number)) == (agency, number)


def test_a_reference_that_is_not_ours_or_not_a_number():
    assert parse_claim_reference("717300-abc") == ("717300", None)
    assert parse_claim_reference("RYK-12-1") == ("RYK", None)
    assert parse_claim_reference("") == ("", None)


def test_account_references_name_the_guardian_when_one_is_liable():
    assert account_reference("717300", 4, "BIB-GEBYR-ERSTATNING") == "717300-4-BIB-GEBYR-ERSTATNING"
    assert account_reference("717300", 4, "X", 9) == "717300-4-X-G9"
