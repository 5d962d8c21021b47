import datetime as dt

import pytest

from bibdebitor.common import clock
from bibdebitor.domain.errors import DomainError
from bibdebitor.domain.identifiers import Gender, parse_cpr
from bibdebitor.ledger import services
from bibdebitor.ledger.models import ConsentKind
from bibdebitor.ledger.selectors import guardian_on

pytestmark = pytest.mark.django_db


def test_person_birth_date_comes_from_the_cpr(adult):
    assert adult.birth_date == dt.date(1975, 5, 15)
    assert adult.cpr == "1505751007"
    assert adult.masked_cpr == "150575-XXXX"


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"kind": "person", "cpr": "3202901234"}, "cpr", "cpr_date"),
        (
            {"kind": "person", "cpr": "1505751007", "birth_date": dt.date(1975, 5, 16)},
            "birth_date",
            "birth_date_mismatch",
        ),
        ({"kind": "person", "cvr": "13585628"}, "cvr", "not_for_person"),
        ({"kind": "company", "cpr": "1505751007"}, "cpr", "cpr_not_for_company"),
        ({"kind": "institution", "cvr": "13585627"}, "cvr", "cvr_check"),
        ({"kind": "company", "gln": "5790000000004"}, "gln", "gln_check"),
        ({"kind": "robot"}, "kind", "kind"),
    ],
)
def test_patron_rules(agency, fields, field, code):
    with pytest.raises(services.PatronInvalid) as caught:
        services.register_patron(agency, patron_number="X1", name="N", **fields)
    assert caught.value.errors[field].code == code


def test_company_with_cvr_p_number_and_ean(agency):
    company = services.register_patron(
        agency,
        patron_number="I-1",
        kind="institution",
        name="Børnehaven Solsikken",
        cvr="DK 13585628",
        p_number="1029829825",
        gln="5790000000005",
    )
    assert (company.cvr, company.p_number, company.gln) == (
        "13585628",
        "1029829825",
        "5790000000005",
    )


def test_substitute_cpr_is_unique_and_carries_the_birth_date(agency, minor):
    other = services.register_patron(
        agency, patron_number="1003", kind="person", name="Tvilling", birth_date=minor.birth_date
    )
    first = services.assign_substitute_cpr(minor, Gender.FEMALE)
    second = services.assign_substitute_cpr(other, Gender.FEMALE)
    assert first.cpr != second.cpr
    for patron in (first, second):
        parsed = parse_cpr(patron.cpr)
        assert parsed.is_substitute
        assert parsed.birth_date == minor.birth_date
        assert patron.has_substitute_cpr


def test_substitute_cpr_needs_a_person_without_cpr(adult):
    with pytest.raises(DomainError) as caught:
        services.assign_substitute_cpr(adult, Gender.MALE)
    assert caught.value.code == "substitute_not_needed"


def test_consent_is_not_retroactive(agency, minor):
    guardian = services.register_guardian(agency, cpr="150575-1007", name="Søren Ærø")
    given = clock.today() - dt.timedelta(days=400)
    withdrawn = given + dt.timedelta(days=184)
    with clock.at(given):
        services.record_consent(
            minor, guardian, journal_reference="ESDH-2025-17", actor="system:test"
        )
    assert guardian_on(minor, given - dt.timedelta(days=1)) is None
    assert guardian_on(minor, given) == guardian
    with clock.at(withdrawn):
        services.record_consent(
            minor,
            guardian,
            journal_reference="ESDH-2025-99",
            actor="system:test",
            kind=ConsentKind.WITHDRAWN,
        )
    assert guardian_on(minor, withdrawn - dt.timedelta(days=1)) == guardian
    assert guardian_on(minor, withdrawn) is None


def test_consent_rules(agency, adult, minor):
    guardian = services.register_guardian(agency, cpr="0101902005", name="Værge")
    with pytest.raises(DomainError) as caught:
        services.record_consent(adult, guardian, journal_reference="x", actor="system:test")
    assert caught.value.code == "consent_adult"
    with pytest.raises(DomainError) as caught:
        services.record_consent(
            minor,
            guardian,
            effective_on=dt.date.today() + dt.timedelta(days=1),
            journal_reference="x",
            actor="system:test",
        )
    assert caught.value.code == "consent_future"


def test_a_guardian_must_be_an_adult(agency):
    with pytest.raises(DomainError) as caught:
        services.register_guardian(agency, cpr="0101154000", name="Barn")  # born 2015
    assert caught.value.code == "guardian_minor"
    assert services.register_guardian(agency, cpr="0101009009", name="Voksen").cpr == "0101009009"


def test_a_new_patron_without_cpr_gets_a_substitute_cpr_when_created(agency):
    """Seed 003 ("Hvordan opretter vi lånere?"): "Nye lånere vil FBS generere et
    erstatningsCPR-nr. for, når de oprettes (ud fra lånerens fødselsdato)" -- once the
    municipality has switched substitute CPR on; before that, none is made."""
    born = dt.date(2012, 4, 3)
    before = services.register_patron(
        agency, patron_number="S-1", kind="person", name="Uden CPR", birth_date=born
    )
    assert before.cpr == ""
    agency.substitute_cpr_enabled = True
    agency.save()
    created = services.register_patron(
        agency, patron_number="S-2", kind="person", name="Også uden CPR", birth_date=born
    )
    parsed = parse_cpr(created.cpr)
    assert parsed.is_substitute
    assert parsed.birth_date == born
    with_cpr = services.register_patron(
        agency, patron_number="S-3", kind="person", name="Med CPR", cpr="0101901234"
    )
    assert with_cpr.cpr == "0101901234"


def test_a_consent_is_journalled_and_never_backdated(agency, minor):
    """Seed 000: "Samtykke skal journaliseres og gemmes" and "Samtykket er ikke med
    tilbagevirkende kraft": without its journal reference a consent is refused, and it takes
    effect no earlier than the day it is recorded."""
    guardian = services.register_guardian(agency, cpr="150575-1007", name="Søren Ærø")
    with pytest.raises(DomainError) as caught:
        services.record_consent(minor, guardian, journal_reference=" ", actor="system:test")
    assert caught.value.code == "consent_no_reference"
    yesterday = clock.today() - dt.timedelta(days=1)
    with pytest.raises(DomainError) as caught:
        services.record_consent(
            minor, guardian, effective_on=yesterday, journal_reference="J-1", actor="system:test"
        )
    assert caught.value.code == "consent_backdated"
    consent = services.record_consent(minor, guardian, journal_reference="J-1", actor="system:test")
    assert consent.effective_on == clock.today()
    assert guardian_on(minor, yesterday) is None
