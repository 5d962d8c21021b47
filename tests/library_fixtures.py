"""The library's fixtures (loaded by tests/conftest.py under the library's settings)."""

import uuid

import pytest

from bibdebitor.common import clock
from bibdebitor.domain.vendors import Vendor
from bibdebitor.ledger.models import Agency
from bibdebitor.ledger.services import register_patron


def with_integration_settings(agency):
    """Every setting the integration needs, with fresh identifiers (not yet switched on)."""
    agency.organisation_uuid = uuid.uuid4()
    agency.debtor_instance_uuid = uuid.uuid4()
    agency.sender_instance_uuid = uuid.uuid4()
    agency.org_unit_uuid = uuid.uuid4()
    agency.substitute_cpr_enabled = True
    agency.save()
    return agency


@pytest.fixture
def agency(db):
    return Agency.objects.create(
        agency_id="717300",
        name="Lyngby-Taarbæk Bibliotekerne",
        cvr="29189129",
        municipality_code="173",
        debtor_vendor=Vendor.KMD_OPUS,
    )


@pytest.fixture
def adult(agency):
    return register_patron(
        agency, patron_number="1001", kind="person", name="Søren Ærø", cpr="150575-1007"
    )


@pytest.fixture
def minor(agency):
    """Eleven years old by the library's clock, whatever year the suite runs in."""
    today = clock.today()
    return register_patron(
        agency,
        patron_number="1002",
        kind="person",
        name="Ida Ærø",
        cpr="",
        birth_date=today.replace(year=today.year - 11, day=1),
    )
