"""Who is liable for a claim, on which debtor account type and claim type it goes, and
whether it can be handed over at all. Pure Python, no Django.

The table is KOMBIT's (seed 003, "Opsæt regler i debitor"): seven kinds of borrower, three
debtor account types, three claim types. Whether a minor has a guardian is decided on the day
the claim was created: a consent given later does not move an existing claim.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bibdebitor.domain.claims import ClaimKind
from bibdebitor.domain.dates import age_on
from bibdebitor.domain.identifiers import is_substitute_cpr, passes_modulus11
from bibdebitor.domain.vendors import LENIENT, VENDOR_RULES, VendorRules


class AccountType(StrEnum):
    """Debitorkontotype."""

    STANDARD = "BIB-GEBYR-ERSTATNING"
    MINOR_WITH_GUARDIAN = "BIB-GEBYR-ERSTATNING-U18-MED-OA"
    MINOR_WITHOUT_GUARDIAN = "BIB-GEBYR-ERSTATNING-U18-UDEN-OA"


class ClaimType(StrEnum):
    """Fordringskravtype."""

    LATE_FEE = "BIB-GEBYR-LAANETID"
    REPLACEMENT_ACKNOWLEDGED = "BIB-ERSTATNING-MED-ANERKENDELSE"
    REPLACEMENT_UNACKNOWLEDGED = "BIB-ERSTATNING-UDEN-ANERKENDELSE"


class BorrowerKind(StrEnum):
    """The seven rows of the seed table."""

    ADULT_CPR = "adult_cpr"
    ADULT_SUBSTITUTE = "adult_substitute"
    COMPANY_CVR = "company_cvr"
    MINOR_GUARDIAN_CPR = "minor_guardian_cpr"
    MINOR_GUARDIAN_SUBSTITUTE = "minor_guardian_substitute"
    MINOR_CPR = "minor_cpr"
    MINOR_SUBSTITUTE = "minor_substitute"


class Liable(StrEnum):
    PATRON = "patron"
    GUARDIAN = "guardian"
    COMPANY = "company"


class Blocker(StrEnum):
    """Why a claim cannot be handed over (a claim may have several)."""

    NO_IDENTIFIER = "no_identifier"  # a person without CPR who cannot get a substitute CPR
    SUBSTITUTE_CPR_OFF = "substitute_cpr_off"
    VENDOR_REJECTS_SUBSTITUTE = "vendor_rejects_substitute"
    VENDOR_REJECTS_NO_MODULUS11 = "vendor_rejects_no_modulus11"
    COMPANY_WITHOUT_CVR = "company_without_cvr"
    NO_CUTOFF = "no_cutoff"
    BEFORE_CUTOFF = "before_cutoff"
    ALREADY_TRANSFERRED = "already_transferred"
    NOT_OPEN = "not_open"  # cancelled, or nothing left to pay


class Cleansing(StrEnum):
    """What staff should fix on the patron before the claim can go."""

    GIVE_CPR = "give_cpr"
    GIVE_CVR = "give_cvr"
    SUBSTITUTE_WILL_BE_MADE = "substitute_will_be_made"  # informational


@dataclass(frozen=True, slots=True)
class Policy:
    """The agency's settings that classification depends on."""

    cutoff_date: dt.date | None
    substitute_cpr_enabled: bool
    vendor: str = ""
    adult_age: int = 18
    # A manual process for substitute CPR agreed with a vendor that does not take them
    # automatically (Fujitsu Prisme), and a debtor system set up to refuse CPR numbers
    # without modulus 11: both the municipality's own choice, off unless it says so.
    substitute_manual_process: bool = False
    modulus11_required: bool = False

    @property
    def substitute_cpr_accepted(self) -> bool:
        """Whether a claim on a substitute CPR can be handed over at all."""
        accepted = self.vendor_rules.accepts_substitute_cpr or self.substitute_manual_process
        return self.substitute_cpr_enabled and accepted

    @property
    def vendor_rules(self) -> VendorRules:
        return VENDOR_RULES.get(self.vendor, LENIENT)


@dataclass(frozen=True, slots=True)
class Guardianship:
    """A guardian's consent in force from ``start`` until ``end`` (exclusive; None: still)."""

    cpr: str
    start: dt.date
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def guardianships(consents: list[tuple[str, dt.date, str]]) -> tuple[Guardianship, ...]:
    """Intervals from a consent journal of ``(kind, effective_on, guardian_cpr)`` rows in
    journal order: a consent opens an interval (closing the previous), a withdrawal closes it."""
    result: list[Guardianship] = []
    for kind, effective_on, cpr in sorted(consents, key=lambda row: row[1]):
        if result and result[-1].end is None:
            result[-1] = Guardianship(result[-1].cpr, result[-1].start, effective_on)
        if kind == "given":
            result.append(Guardianship(cpr, effective_on))
    return tuple(g for g in result if g.end is None or g.start < g.end)


@dataclass(frozen=True, slots=True)
class Borrower:
    """A patron as classification sees it, with the guardianships from its consent journal."""

    kind: str  # "person", "company" or "institution"
    cpr: str = ""
    cvr: str = ""
    birth_date: dt.date | None = None
    guardianships: tuple[Guardianship, ...] = ()

    def guardian_on(self, day: dt.date) -> str | None:
        for guardianship in self.guardianships:
            if guardianship.covers(day):
                return guardianship.cpr
        return None


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    kind: str  # ClaimKind value
    created_on: dt.date
    acknowledged: bool
    open_ore: int
    cancelled: bool
    transferred: bool


@dataclass(frozen=True, slots=True)
class Classification:
    borrower: BorrowerKind | None
    liable: Liable
    account_type: AccountType
    claim_type: ClaimType
    blockers: tuple[Blocker, ...]
    cleansing: tuple[Cleansing, ...]

    @property
    def transferable(self) -> bool:
        return not self.blockers


def _is_minor(borrower: Borrower, on: dt.date, adult_age: int) -> bool:
    if borrower.birth_date is None:
        return False  # an unknown age is treated as adult; the data cleansing report shows it
    return age_on(borrower.birth_date, on) < adult_age


def claim_type(kind: str, acknowledged: bool) -> ClaimType:
    if kind == ClaimKind.LATE_FEE:
        return ClaimType.LATE_FEE
    if acknowledged:
        return ClaimType.REPLACEMENT_ACKNOWLEDGED
    return ClaimType.REPLACEMENT_UNACKNOWLEDGED


def borrower_kind(borrower: Borrower, on: dt.date, adult_age: int) -> BorrowerKind | None:
    """The seed table's row for this borrower on the claim's creation date (None for a
    company without CVR or a person without any CPR: the table has no row for them)."""
    if borrower.kind != "person":
        return BorrowerKind.COMPANY_CVR if borrower.cvr else None
    if not borrower.cpr:
        return None
    substitute = is_substitute_cpr(borrower.cpr)
    if not _is_minor(borrower, on, adult_age):
        return BorrowerKind.ADULT_SUBSTITUTE if substitute else BorrowerKind.ADULT_CPR
    if borrower.guardian_on(on) is not None:
        if substitute:
            return BorrowerKind.MINOR_GUARDIAN_SUBSTITUTE
        return BorrowerKind.MINOR_GUARDIAN_CPR
    return BorrowerKind.MINOR_SUBSTITUTE if substitute else BorrowerKind.MINOR_CPR


def _account_type(borrower: Borrower, on: dt.date, adult_age: int) -> tuple[AccountType, Liable]:
    if borrower.kind != "person":
        return AccountType.STANDARD, Liable.COMPANY
    if not _is_minor(borrower, on, adult_age):
        return AccountType.STANDARD, Liable.PATRON
    if borrower.guardian_on(on) is not None:
        return AccountType.MINOR_WITH_GUARDIAN, Liable.GUARDIAN
    return AccountType.MINOR_WITHOUT_GUARDIAN, Liable.PATRON


def _identifier_blockers(
    borrower: Borrower, guardian_cpr: str, policy: Policy
) -> tuple[list[Blocker], list[Cleansing]]:
    if borrower.kind != "person":
        if borrower.cvr:
            return [], []
        return [Blocker.COMPANY_WITHOUT_CVR], [Cleansing.GIVE_CVR]
    blockers: list[Blocker] = []
    cleansing: list[Cleansing] = []
    # As in FBS: with substitute CPR switched on, a person without CPR gets one at hand-over.
    makes_substitute = not borrower.cpr and policy.substitute_cpr_enabled
    if not borrower.cpr:
        if makes_substitute and borrower.birth_date is not None:
            cleansing.append(Cleansing.SUBSTITUTE_WILL_BE_MADE)
        else:
            blockers.append(Blocker.NO_IDENTIFIER)
            cleansing.append(Cleansing.GIVE_CPR)
    numbers = [n for n in (borrower.cpr, guardian_cpr) if n]
    if makes_substitute or any(is_substitute_cpr(n) for n in numbers):
        if not policy.substitute_cpr_enabled:
            blockers.append(Blocker.SUBSTITUTE_CPR_OFF)
        elif not policy.substitute_cpr_accepted:
            blockers.append(Blocker.VENDOR_REJECTS_SUBSTITUTE)
    real = [n for n in numbers if not is_substitute_cpr(n)]
    if policy.modulus11_required and not all(passes_modulus11(n) for n in real):
        blockers.append(Blocker.VENDOR_REJECTS_NO_MODULUS11)
    return blockers, cleansing


def _claim_blockers(claim: ClaimFacts, policy: Policy) -> list[Blocker]:
    blockers = []
    if policy.cutoff_date is None:
        blockers.append(Blocker.NO_CUTOFF)
    elif claim.created_on < policy.cutoff_date:
        blockers.append(Blocker.BEFORE_CUTOFF)
    if claim.transferred:
        blockers.append(Blocker.ALREADY_TRANSFERRED)
    if claim.cancelled or claim.open_ore <= 0:
        blockers.append(Blocker.NOT_OPEN)
    return blockers


def classify(borrower: Borrower, claim: ClaimFacts, policy: Policy) -> Classification:
    on = claim.created_on
    account_type, liable = _account_type(borrower, on, policy.adult_age)
    guardian_cpr = (borrower.guardian_on(on) or "") if liable is Liable.GUARDIAN else ""
    blockers, cleansing = _identifier_blockers(borrower, guardian_cpr, policy)
    blockers += _claim_blockers(claim, policy)
    return Classification(
        borrower=borrower_kind(borrower, on, policy.adult_age),
        liable=liable,
        account_type=account_type,
        claim_type=claim_type(claim.kind, claim.acknowledged),
        blockers=tuple(blockers),
        cleansing=tuple(cleansing),
    )
