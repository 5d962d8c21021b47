import datetime as dt

import pytest

from bibdebitor.ledger.models import Agency, DebtorVendor
from bibdebitor.ledger.services import register_patron


@pytest.fixture
def agency(db):
    return Agency.objects.create(
        agency_id="717300",
        name="Lyngby-Taarbæk Bibliotekerne",
        cvr="29189129",
        municipality_code="173",
        debtor_vendor=DebtorVendor.KMD_OPUS,
    )


@pytest.fixture
def adult(agency):
    return register_patron(
        agency, patron_number="1001", kind="person", name="Søren Ærø", cpr="150575-1007"
    )


@pytest.fixture
def minor(agency):
    return register_patron(
        agency,
        patron_number="1002",
        kind="person",
        name="Ida Ærø",
        cpr="",
        birth_date=dt.date(2015, 6, 1),
    )
