"""Data-cleansing findings per patron, by the vendor's rules and the agency's settings."""

import datetime as dt

import pytest

from bibdebitor.domain.classification import Policy
from bibdebitor.domain.cleansing import Consent, Finding, PatronRecord, Severity, findings

TODAY = dt.date(2026, 11, 22)
KMD = Policy(None, substitute_cpr_enabled=True, vendor="kmd_opus")
KMD_NO_SUBSTITUTE = Policy(None, substitute_cpr_enabled=False, vendor="kmd_opus")
PRISME = Policy(None, substitute_cpr_enabled=True, vendor="prisme_2015")
PRISME_MANUAL = Policy(
    None, substitute_cpr_enabled=True, vendor="prisme_2015", substitute_manual_process=True
)
MODULUS11_ON = Policy(
    None, substitute_cpr_enabled=True, vendor="prisme_2015", modulus11_required=True
)
ADULT = dt.date(1980, 5, 1)
CHILD = dt.date(2015, 2, 1)


def person(**fields) -> PatronRecord:
    return PatronRecord(**{"kind": "person", "name": "Ida Hansen", **fields})


@pytest.mark.parametrize(
    ("record", "policy", "expected"),
    [
        (person(cpr="1505751007", birth_date=ADULT), KMD, []),
        (person(birth_date=ADULT), KMD, [Finding.SUBSTITUTE_WILL_BE_MADE]),
        (person(birth_date=ADULT), KMD_NO_SUBSTITUTE, [Finding.PERSON_WITHOUT_CPR]),
        (person(), KMD, [Finding.PERSON_WITHOUT_CPR]),  # no birth date: no substitute
        (person(birth_date=ADULT), PRISME, [Finding.PERSON_WITHOUT_CPR]),  # Prisme refuses them
        (person(cpr="6505751007", birth_date=ADULT), PRISME, [Finding.PERSON_WITHOUT_CPR]),
        (person(birth_date=ADULT), PRISME_MANUAL, [Finding.SUBSTITUTE_WILL_BE_MADE]),
        (person(cpr="0101901234", birth_date=ADULT), PRISME, []),  # valid without modulus 11
        (person(cpr="0101901234", birth_date=ADULT), MODULUS11_ON, [Finding.CPR_FAILS_MODULUS11]),
        (person(cpr="0101901234", birth_date=ADULT), KMD, []),
        (person(cpr="0102154002", birth_date=CHILD), KMD, [Finding.MINOR_WITHOUT_GUARDIAN]),
        (
            person(name="Lyngby Skole, 3.b", cpr="1505751007", birth_date=ADULT),
            KMD,
            [Finding.INSTITUTION_AS_PERSON],
        ),
        (PatronRecord("company", "Firma ApS"), KMD, [Finding.COMPANY_WITHOUT_CVR]),
        (PatronRecord("company", "Firma ApS", cvr="29189129"), KMD, [Finding.CVR_WITHOUT_P_NUMBER]),
        (
            PatronRecord("institution", "Børnehuset", cvr="29189129", p_number="1003388394"),
            KMD,
            [Finding.MISSING_EAN],
        ),
        (
            PatronRecord(
                "institution",
                "Børnehuset",
                cvr="29189129",
                p_number="1003388394",
                gln="5790000123456",
            ),
            KMD,
            [],
        ),
    ],
)
def test_findings(record, policy, expected):
    assert findings(record, policy, TODAY) == expected


def test_a_guardian_consent_in_force_clears_the_minor_but_needs_its_journal_reference():
    given = Consent("given", dt.date(2026, 1, 1), "")
    child = person(cpr="0102154002", birth_date=CHILD, consents=(given,))
    assert findings(child, KMD, TODAY) == [Finding.CONSENT_WITHOUT_JOURNAL_REFERENCE]
    filed = person(
        cpr="0102154002", birth_date=CHILD, consents=(Consent("given", given.effective_on, "J-1"),)
    )
    assert findings(filed, KMD, TODAY) == []


def test_a_withdrawn_or_future_consent_does_not_count():
    withdrawn = (Consent("given", dt.date(2025, 1, 1), "J-1"), Consent("withdrawn", TODAY, ""))
    future = (Consent("given", TODAY + dt.timedelta(days=1), "J-2"),)
    for consents in (withdrawn, future):
        child = person(cpr="0102154002", birth_date=CHILD, consents=consents)
        assert Finding.MINOR_WITHOUT_GUARDIAN in findings(child, KMD, TODAY)


def test_every_finding_has_a_severity_title_and_advice():
    for finding in Finding:
        assert finding.severity in Severity
        assert finding.title
        assert finding.advice
    assert Finding.PERSON_WITHOUT_CPR.severity is Severity.BLOCKING


def test_a_cpr_number_without_modulus_11_is_never_called_wrong():
    """Seed 003 names no modulus 11 rule; CPR numbers without it are valid since 2007. The
    finding exists only where the municipality turned the check on, is information, and
    tells staff not to change the number."""
    from bibdebitor.domain.cleansing import SEVERITY, TEXTS

    assert SEVERITY[Finding.CPR_FAILS_MODULUS11] is Severity.INFO
    _title, advice = TEXTS[Finding.CPR_FAILS_MODULUS11]
    assert "do not change the number" in advice
    assert "correct" not in advice
