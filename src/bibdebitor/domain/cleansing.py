"""Data cleansing (datavask) before go-live: what is wrong or risky in a patron record, per
Lyngby-Taarbæk's lessons (seed 000) and the vendors' rules. Pure Python.

A finding is *blocking* when the patron's claims cannot be handed over as the record stands,
a *warning* when they would go but to the wrong party or channel, and *info* when nothing
needs fixing but staff should know (a substitute CPR will be made).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from bibdebitor.domain.classification import Policy
from bibdebitor.domain.dates import age_on
from bibdebitor.domain.errors import gettext_noop
from bibdebitor.domain.identifiers import is_substitute_cpr, passes_modulus11


class Severity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"
    INFO = "info"


class Finding(StrEnum):
    PERSON_WITHOUT_CPR = "person_without_cpr"
    SUBSTITUTE_WILL_BE_MADE = "substitute_will_be_made"
    CPR_FAILS_MODULUS11 = "cpr_fails_modulus11"
    MINOR_WITHOUT_GUARDIAN = "minor_without_guardian"
    CONSENT_WITHOUT_JOURNAL_REFERENCE = "consent_without_journal_reference"
    COMPANY_WITHOUT_CVR = "company_without_cvr"
    CVR_WITHOUT_P_NUMBER = "cvr_without_p_number"
    MISSING_EAN = "missing_ean"
    INSTITUTION_AS_PERSON = "institution_as_person"

    @property
    def severity(self) -> Severity:
        return SEVERITY[self]

    @property
    def title(self) -> str:  # type: ignore[override]  # the finding's text (shadows str.title on purpose)
        return TEXTS[self][0]

    @property
    def advice(self) -> str:
        return TEXTS[self][1]


SEVERITY = {
    Finding.PERSON_WITHOUT_CPR: Severity.BLOCKING,
    Finding.SUBSTITUTE_WILL_BE_MADE: Severity.INFO,
    Finding.CPR_FAILS_MODULUS11: Severity.INFO,
    Finding.MINOR_WITHOUT_GUARDIAN: Severity.WARNING,
    Finding.CONSENT_WITHOUT_JOURNAL_REFERENCE: Severity.WARNING,
    Finding.COMPANY_WITHOUT_CVR: Severity.BLOCKING,
    Finding.CVR_WITHOUT_P_NUMBER: Severity.WARNING,
    Finding.MISSING_EAN: Severity.WARNING,
    Finding.INSTITUTION_AS_PERSON: Severity.WARNING,
}

TEXTS = {
    Finding.PERSON_WITHOUT_CPR: (
        gettext_noop("Person without CPR number; no substitute CPR will be made"),
        gettext_noop(
            "Add the CPR number, or switch substitute CPR on (and register the birth date)."
        ),
    ),
    Finding.SUBSTITUTE_WILL_BE_MADE: (
        gettext_noop("Person without CPR number; a substitute CPR will be made"),
        gettext_noop("Nothing to fix; add the CPR number if the person has one."),
    ),
    Finding.CPR_FAILS_MODULUS11: (
        gettext_noop(
            "CPR number without modulus 11, which the municipality's debtor system is set up "
            "to refuse"
        ),
        gettext_noop(
            "CPR numbers without modulus 11 have been issued since 2007 and are valid: do not "
            "change the number. Ask the debtor system's supplier to accept it, or switch the "
            "check off in the set-up."
        ),
    ),
    Finding.MINOR_WITHOUT_GUARDIAN: (
        gettext_noop("Under the age limit without a guardian"),
        gettext_noop(
            "Register the guardian's consent: claims then go to the guardian, not the child."
        ),
    ),
    Finding.CONSENT_WITHOUT_JOURNAL_REFERENCE: (
        gettext_noop("Guardian consent without a journal reference"),
        gettext_noop("Record where the signed consent is filed (journal number)."),
    ),
    Finding.COMPANY_WITHOUT_CVR: (
        gettext_noop("Company or institution without CVR number"),
        gettext_noop("Add the CVR number: without it the claims cannot be handed over."),
    ),
    Finding.CVR_WITHOUT_P_NUMBER: (
        gettext_noop("CVR number without P-number: the e-invoice may reach the wrong unit"),
        gettext_noop(
            "Add the P-number of the unit that borrows. If it is unknown, remove the CVR "
            "number (Lyngby-Taarbæk's advice)."
        ),
    ),
    Finding.MISSING_EAN: (
        gettext_noop("Public institution without EAN number"),
        gettext_noop("Add the EAN (GLN) number: public institutions are invoiced electronically."),
    ),
    Finding.INSTITUTION_AS_PERSON: (
        gettext_noop("Looks like an institution card registered as a person"),
        gettext_noop(
            "Register it as an institution with CVR and EAN, so no employee is invoiced for "
            "the institution's loans."
        ),
    ),
}

# Words that name an institution rather than a person (schools, day care, libraries…).
_INSTITUTION_WORDS = re.compile(
    r"\b(skole|skolen|børnehave|børnehaven|vuggestue|dagpleje|daginstitution|institution|"
    r"sfo|fritidshjem|klub|bibliotek|gymnasium|efterskole|plejecenter|kommune|a/s|aps|i/s)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Consent:
    kind: str  # "given" or "withdrawn"
    effective_on: dt.date
    journal_reference: str


@dataclass(frozen=True, slots=True)
class PatronRecord:
    kind: str  # "person", "company" or "institution"
    name: str
    cpr: str = ""
    cvr: str = ""
    p_number: str = ""
    gln: str = ""
    birth_date: dt.date | None = None
    consents: tuple[Consent, ...] = ()

    def guardian_today(self, today: dt.date) -> bool:
        current = [
            c
            for c in sorted(self.consents, key=lambda c: c.effective_on)
            if c.effective_on <= today
        ]
        return bool(current) and current[-1].kind == "given"


def findings(record: PatronRecord, policy: Policy, today: dt.date) -> list[Finding]:
    """Every finding for one patron, in the order staff should fix them."""
    if record.kind == "person":
        return _person_findings(record, policy, today)
    return _organisation_findings(record)


def _person_findings(record: PatronRecord, policy: Policy, today: dt.date) -> list[Finding]:
    found: list[Finding] = []
    if not record.cpr:
        makes_substitute = policy.substitute_cpr_accepted and record.birth_date is not None
        found.append(
            Finding.SUBSTITUTE_WILL_BE_MADE if makes_substitute else Finding.PERSON_WITHOUT_CPR
        )
    elif is_substitute_cpr(record.cpr):
        if not policy.substitute_cpr_accepted:
            found.append(Finding.PERSON_WITHOUT_CPR)
    elif policy.modulus11_required and not passes_modulus11(record.cpr):
        found.append(Finding.CPR_FAILS_MODULUS11)
    minor = record.birth_date is not None and age_on(record.birth_date, today) < policy.adult_age
    if minor and not record.guardian_today(today):
        found.append(Finding.MINOR_WITHOUT_GUARDIAN)
    if any(c.kind == "given" and not c.journal_reference.strip() for c in record.consents):
        found.append(Finding.CONSENT_WITHOUT_JOURNAL_REFERENCE)
    if _INSTITUTION_WORDS.search(record.name):
        found.append(Finding.INSTITUTION_AS_PERSON)
    return found


def _organisation_findings(record: PatronRecord) -> list[Finding]:
    if not record.cvr:
        return [Finding.COMPANY_WITHOUT_CVR]
    found = []
    if not record.p_number:
        found.append(Finding.CVR_WITHOUT_P_NUMBER)
    if record.kind == "institution" and not record.gln:
        found.append(Finding.MISSING_EAN)
    return found
