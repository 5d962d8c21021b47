"""Rules for a patron's and a guardian's identifiers. Pure Python, no Django.

``check_patron`` is the one place that decides whether a patron record is acceptable; the
admin forms and the CSV import both call it, so they can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from bibdebitor.domain.dates import age_on
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.domain.identifiers import (
    IdentifierWarning,
    parse_cpr,
    parse_cvr,
    parse_gln,
    parse_p_number,
)


class Kind(StrEnum):
    PERSON = "person"
    COMPANY = "company"
    INSTITUTION = "institution"


@dataclass(frozen=True, slots=True)
class PatronInput:
    kind: str
    cpr: str = ""
    cvr: str = ""
    p_number: str = ""
    gln: str = ""
    birth_date: dt.date | None = None


@dataclass(slots=True)
class PatronCheck:
    """The normalised identifiers, or the errors per field (never both empty-handed)."""

    cpr: str = ""
    cvr: str = ""
    p_number: str = ""
    gln: str = ""
    birth_date: dt.date | None = None
    errors: dict[str, DomainError] = field(default_factory=dict)
    warnings: list[IdentifierWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _reject_person_fields(check: PatronCheck, data: PatronInput) -> None:
    if data.cpr.strip():
        check.errors["cpr"] = DomainError(
            "cpr_not_for_company",
            gettext_noop(
                "Companies and institutions are registered with a CVR number, not a CPR number."
            ),
        )
    if data.birth_date:
        check.errors["birth_date"] = DomainError(
            "birth_date_not_for_company",
            gettext_noop("Companies and institutions have no birth date."),
        )


def _reject_organisation_ids(check: PatronCheck, data: PatronInput) -> None:
    for name in ("cvr", "p_number", "gln"):
        if getattr(data, name).strip():
            check.errors[name] = DomainError(
                "not_for_person",
                gettext_noop(
                    "A person is registered with a CPR number, not CVR, P- or EAN numbers."
                ),
            )


def _check_person(check: PatronCheck, data: PatronInput, today: dt.date) -> None:
    _reject_organisation_ids(check, data)
    check.birth_date = data.birth_date
    if not data.cpr.strip():
        return
    try:
        cpr = parse_cpr(data.cpr, today=today)
    except DomainError as error:
        check.errors["cpr"] = error
        return
    check.cpr = cpr.number
    check.warnings.extend(cpr.warnings)
    if data.birth_date and data.birth_date != cpr.birth_date:
        check.errors["birth_date"] = DomainError(
            "birth_date_mismatch", gettext_noop("The birth date does not match the CPR number.")
        )
    check.birth_date = cpr.birth_date


def _check_organisation(check: PatronCheck, data: PatronInput) -> None:
    _reject_person_fields(check, data)
    parsers = {"cvr": parse_cvr, "gln": parse_gln}
    for name, parse in parsers.items():
        value = getattr(data, name).strip()
        if value:
            try:
                setattr(check, name, parse(value))
            except DomainError as error:
                check.errors[name] = error
    if data.p_number.strip():
        try:
            p_number = parse_p_number(data.p_number)
        except DomainError as error:
            check.errors["p_number"] = error
        else:
            check.p_number = p_number.number
            check.warnings.extend(p_number.warnings)


def check_patron(data: PatronInput, *, today: dt.date) -> PatronCheck:
    check = PatronCheck()
    if data.kind not in {k.value for k in Kind}:
        check.errors["kind"] = DomainError(
            "kind", gettext_noop("The patron kind must be person, company or institution.")
        )
    elif data.kind == Kind.PERSON:
        _check_person(check, data, today)
    else:
        _check_organisation(check, data)
    return check


def check_guardian_cpr(cpr: str, *, on: dt.date, adult_age: int) -> str:
    """A guardian is an adult with a CPR number (or a substitute CPR)."""
    parsed = parse_cpr(cpr, today=on)
    if age_on(parsed.birth_date, on) < adult_age:
        raise DomainError("guardian_minor", gettext_noop("A guardian must be an adult."))
    return parsed.number


def check_journal_reference(reference: str) -> None:
    """Seed 000: "Samtykke skal journaliseres og gemmes": no consent without its journal
    reference (the case in the municipality's records system)."""
    if not reference.strip():
        raise DomainError(
            "consent_no_reference",
            gettext_noop("A consent must be journalled: give its journal reference."),
        )


def check_consent(
    *,
    patron_kind: str,
    birth_date: dt.date | None,
    effective_on: dt.date,
    today: dt.date,
    adult_age: int,
    history: bool = False,
) -> None:
    """Consent is for a minor person, with a known birth date, and takes effect the day it is
    recorded: seed 000, "Samtykket er ikke med tilbagevirkende kraft". Only consents recorded
    earlier in the library system and imported with their date (``history``) lie in the
    past."""
    if patron_kind != Kind.PERSON:
        raise DomainError("consent_not_person", gettext_noop("Only a person can have a guardian."))
    if birth_date is None:
        raise DomainError(
            "consent_no_birth_date",
            gettext_noop("The patron's birth date must be known to record a guardian."),
        )
    if effective_on > today:
        raise DomainError(
            "consent_future", gettext_noop("A consent cannot be dated in the future.")
        )
    if effective_on < today and not history:
        raise DomainError(
            "consent_backdated",
            gettext_noop(
                "A consent takes effect from the day it is recorded at the earliest: "
                "it is not retroactive."
            ),
        )
    if age_on(birth_date, effective_on) >= adult_age:
        raise DomainError(
            "consent_adult", gettext_noop("The patron was not a minor on the consent date.")
        )
