"""The references the library puts on the wire, formatted and read in one place: a claim is
``<agency id>-<claim number>`` (the FBS agency id, six digits, has no dash), a debtor account
``<agency id>-<patron id>-<account type>[-G<guardian id>]``. Pure Python."""

from __future__ import annotations


def claim_reference(agency_id: str, claim_number: int) -> str:
    return f"{agency_id}-{claim_number}"


def parse_claim_reference(reference: str) -> tuple[str, int | None]:
    """The agency id and the claim number (None when the rest is not a number)."""
    agency_id, _, number = reference.partition("-")
    return agency_id, int(number) if number.isdigit() else None


def account_reference(
    agency_id: str, patron_id: int, account_type: str, guardian_id: int | None = None
) -> str:
    suffix = f"-G{guardian_id}" if guardian_id is not None else ""
    return f"{agency_id}-{patron_id}-{account_type}{suffix}"
