"""Service agreements (serviceaftaler) on the service platform: an IT system may call a
service for a municipality only under an approved agreement. Pure Python.

requested → approved | rejected;  approved → revoked. Rejected and revoked are final: a new
request starts a new agreement, so the history of each stays readable.
"""

from __future__ import annotations

from enum import StrEnum

from bibdebitor.domain.errors import DomainError, gettext_noop


class AgreementState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


ALLOWED = {
    AgreementState.REQUESTED: {AgreementState.APPROVED, AgreementState.REJECTED},
    AgreementState.APPROVED: {AgreementState.REVOKED},
    AgreementState.REJECTED: set(),
    AgreementState.REVOKED: set(),
}


class AgreementError(DomainError):
    pass


def next_state(
    current: AgreementState, wanted: AgreementState, *, note: str = ""
) -> AgreementState:
    """The state after a decision, or why the decision is not allowed."""
    if wanted not in ALLOWED[current]:
        raise AgreementError(
            "agreement_transition",
            gettext_noop("The agreement cannot go from its current state to that one."),
        )
    if wanted in (AgreementState.REJECTED, AgreementState.REVOKED) and not note.strip():
        raise AgreementError(
            "agreement_reason", gettext_noop("Say why the agreement is rejected or revoked.")
        )
    return wanted


def lets_through(state: AgreementState | None) -> bool:
    return state is AgreementState.APPROVED
