import pytest

from bibdebitor.domain.agreements import AgreementError, AgreementState, lets_through, next_state

S = AgreementState


@pytest.mark.parametrize(
    ("current", "wanted"),
    [(S.REQUESTED, S.APPROVED), (S.REQUESTED, S.REJECTED), (S.APPROVED, S.REVOKED)],
)
def test_allowed_decisions(current, wanted):
    assert next_state(current, wanted, note="begrundelse") is wanted


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (S.REJECTED, S.APPROVED),
        (S.REVOKED, S.APPROVED),
        (S.APPROVED, S.APPROVED),
        (S.REQUESTED, S.REVOKED),
        (S.APPROVED, S.REQUESTED),
    ],
)
def test_final_and_skipping_decisions_are_refused(current, wanted):
    with pytest.raises(AgreementError) as refused:
        next_state(current, wanted, note="x")
    assert refused.value.code == "agreement_transition"


def test_rejecting_or_revoking_needs_a_reason():
    with pytest.raises(AgreementError) as refused:
        next_state(S.APPROVED, S.REVOKED, note=" ")
    assert refused.value.code == "agreement_reason"
    assert next_state(S.REQUESTED, S.APPROVED) is S.APPROVED


def test_only_an_approved_agreement_lets_calls_through():
    assert lets_through(S.APPROVED)
    assert not any(lets_through(s) for s in (S.REQUESTED, S.REJECTED, S.REVOKED, None))
