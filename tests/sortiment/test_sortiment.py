import datetime as dt
import uuid

import pytest

from bibdebitor.domain.catalogue import ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET, CLASSES
from bibdebitor.domain.classification import AccountType, ClaimType
from bibdebitor.domain.errors import DomainError
from bibdebitor.sortiment.models import SortimentClass
from bibdebitor.sortiment.services import class_for, extend_with_org_unit, replace_class

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 1)


def test_the_sortiment_is_loaded_by_migration():
    for account_type in AccountType:
        assert class_for(ACCOUNT_TYPE_FACET, account_type, DAY).uuid
    for claim_type in ClaimType:
        assert class_for(CLAIM_TYPE_FACET, claim_type, DAY).uuid
    assert SortimentClass.objects.filter(agency=None).count() == len(CLASSES) == 6
    late_fee = class_for(CLAIM_TYPE_FACET, ClaimType.LATE_FEE, DAY)
    assert late_fee.title == "Biblioteksgebyr, overskredet lånetid"


def test_a_class_is_retired_and_replaced_without_breaking_old_claims():
    old = class_for(CLAIM_TYPE_FACET, ClaimType.LATE_FEE, DAY)
    new = replace_class(
        old, title="Biblioteksgebyr, overskredet lånetid (2027)", on=dt.date(2027, 1, 1)
    )
    assert class_for(CLAIM_TYPE_FACET, ClaimType.LATE_FEE, dt.date(2026, 12, 31)) == old
    assert class_for(CLAIM_TYPE_FACET, ClaimType.LATE_FEE, dt.date(2027, 1, 1)) == new
    assert new.uuid != old.uuid
    assert new.replaces == old
    with pytest.raises(DomainError):
        replace_class(old, title="igen", on=dt.date(2027, 2, 1))


def test_agency_extends_the_sortiment_with_its_organisational_unit(agency):
    unit = uuid.UUID("0f8a3a5e-5b6f-4a0e-9e1c-2d1f7d3c9b10")
    extension = extend_with_org_unit(
        agency, unit=unit, title="Lyngby-Taarbæk Bibliotekerne", on=DAY
    )
    agency.refresh_from_db()
    assert agency.org_unit_uuid == unit == extension.uuid
    assert extend_with_org_unit(agency, unit=unit, title="x", on=DAY) == extension
    successor = uuid.uuid4()
    extend_with_org_unit(agency, unit=successor, title="Ny enhed", on=dt.date(2026, 12, 1))
    agency.refresh_from_db()
    assert agency.org_unit_uuid == successor
    assert SortimentClass.objects.get(uuid=unit).published_to == dt.date(2026, 12, 1)
