"""CPR numbers stay out of logs, error messages, URLs and lists."""

import datetime as dt
import logging

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from bibdebitor.common.logfilters import redact_cpr
from bibdebitor.ledger import services
from bibdebitor.ledger.csv_import import ImportRejected, import_claims, import_patrons
from bibdebitor.ledger.models import PersonalDataAccess

pytestmark = pytest.mark.django_db
CPRS = ["1505751007", "150575-1007", "0101902005", "3202901234", "0101154000"]


def test_no_cpr_in_any_log_record(agency, caplog):
    caplog.set_level(logging.DEBUG)
    patron = services.register_patron(
        agency, patron_number="1", kind="person", name="A", cpr="150575-1007"
    )
    services.register_patron(
        agency, patron_number="2", kind="person", name="B", birth_date=dt.date(2015, 1, 1)
    )
    from bibdebitor.domain.identifiers import Gender

    services.assign_substitute_cpr(agency.patrons.get(patron_number="2"), Gender.MALE)
    substitute = agency.patrons.get(patron_number="2").cpr
    services.register_guardian(agency, cpr="0101902005", name="G")
    services.create_claim(
        patron,
        claim_number=1,
        kind="late_fee",
        amount_ore=30000,
        created_on=dt.date(2026, 10, 1),
        due_date=dt.date(2026, 10, 31),
        actor="system:test",
    )
    with pytest.raises(ImportRejected):
        import_patrons(
            agency, b"patron_number;kind;name;cpr\n9;person;X;3202901234\n", actor="system:test"
        )
    with pytest.raises(ImportRejected):
        import_claims(
            agency,
            b"claim_number;patron_number;kind;amount;created_on;due_date\n"
            b"1;1505751007;gebyr;1;01-10-2026;31-10-2026\n",
            actor="system:test",
        )
    assert caplog.records, "the services are expected to log something"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for number in [*CPRS, substitute, substitute[:6] + "-" + substitute[6:]]:
        assert number not in logged


def test_the_log_filter_masks_what_slips_through():
    assert redact_cpr("cpr 150575-1007 and 1505751007.") == "cpr 150575-XXXX and 150575-XXXX."
    assert redact_cpr("order 123456789012 stays") == "order 123456789012 stays"


@pytest.fixture
def staff(db):
    user = User.objects.create_user("staff", password="pw-for-tests", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="ledger").exclude(codename="view_cpr")
    )
    return user


def test_lists_and_forms_show_masked_cpr(client, staff, adult):
    client.force_login(staff)
    listing = client.get(reverse("admin:ledger_patron_changelist")).content.decode()
    assert "150575-XXXX" in listing
    assert "1505751007" not in listing
    form = client.get(reverse("admin:ledger_patron_change", args=[adult.pk])).content.decode()
    assert "150575-XXXX" in form
    assert "1505751007" not in form
    assert not PersonalDataAccess.objects.exists()


def test_unmasked_view_needs_permission_and_is_logged(client, staff, adult):
    staff.user_permissions.add(Permission.objects.get(codename="view_cpr"))
    client.force_login(staff)
    form = client.get(reverse("admin:ledger_patron_change", args=[adult.pk])).content.decode()
    assert "1505751007" in form
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.patron, access.context) == (staff, adult, "admin")


def test_cpr_is_not_searchable_from_the_list(client, staff, adult):
    client.force_login(staff)
    page = client.get(reverse("admin:ledger_patron_changelist"), {"q": "1505751007"})
    assert page.status_code == 200
    assert adult.name not in page.content.decode()
