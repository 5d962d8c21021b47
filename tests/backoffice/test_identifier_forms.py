"""Identifiers are checked at every form (the model fields carry the domain's validators):
a CVR number, an EAN/GLN number or an FI creditor number that fails its check is refused with
a Danish error, and nothing is saved; an amount is typed in kroner."""

import pytest

from bibdebitor.backoffice.forms import NewAgencyForm, SetupForm
from bibdebitor.ledger.models import Agency, Guardian, Patron

pytestmark = pytest.mark.django_db

BAD_CVR = "12345678"  # fails the modulus-11 check
GOOD_CVR = "29189129"


def test_a_new_agency_with_a_cvr_that_fails_its_check_is_refused():
    form = NewAgencyForm(
        {"agency_id": "799901", "name": "Prøve", "cvr": BAD_CVR, "municipality_code": "999"}
    )
    assert not form.is_valid()
    assert form.errors["cvr"] == ["CVR-nummerets kontrolciffer er forkert."]
    good = NewAgencyForm(
        {"agency_id": "799901", "name": "Prøve", "cvr": GOOD_CVR, "municipality_code": "999"}
    )
    assert good.is_valid(), good.errors


def setup_data(agency, **changes):
    form = SetupForm(instance=agency)
    values = {name: form[name].value() for name in SetupForm.Meta.fields}
    data = {k: "" if v is None else v for k, v in values.items()}
    data = {k: ("on" if v is True else "" if v is False else v) for k, v in data.items()}
    return {**data, **changes}


def test_the_set_up_refuses_a_bad_cvr_and_a_bad_creditor_number(agency):
    form = SetupForm(setup_data(agency, cvr=BAD_CVR, creditor_number="12345678"), instance=agency)
    assert not form.is_valid()
    assert "kontrolciffer" in form.errors["cvr"][0]
    assert "begynder med 8" in form.errors["creditor_number"][0]
    agency.refresh_from_db()
    assert agency.cvr != BAD_CVR


def test_the_block_threshold_is_typed_in_kroner(agency):
    form = SetupForm(instance=agency)
    assert "200,00" in str(form["block_threshold_ore"])
    bound = SetupForm(setup_data(agency, block_threshold_ore="150,50"), instance=agency)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["block_threshold_ore"] == 15_050
    wrong = SetupForm(setup_data(agency, block_threshold_ore="mange"), instance=agency)
    assert not wrong.is_valid()


def test_the_admin_refuses_a_bad_ean_for_an_institution_and_a_bad_guardian_cpr(agency):
    from django.forms import modelform_factory

    patron_form = modelform_factory(Patron, fields=["gln", "cvr", "p_number"])
    bad = patron_form({"gln": "5798000000002", "cvr": GOOD_CVR, "p_number": "12345"})
    assert not bad.is_valid()
    assert "kontrolciffer" in bad.errors["gln"][0]
    assert "10 cifre" in bad.errors["p_number"][0]
    guardian_form = modelform_factory(Guardian, fields=["cpr", "name"])
    assert not guardian_form({"cpr": "3213999999", "name": "X"}).is_valid()
    assert Agency.objects.filter(cvr=BAD_CVR).count() == 0
