"""Each role sees only what it should: every back-office page and action, per role."""

import pytest

from bibdebitor.backoffice.models import SignOff
from bibdebitor.ledger.models import PersonalDataAccess

pytestmark = pytest.mark.django_db

ROLE_NAMES = ["library", "debtor", "agreements", "sysadmin"]

# page → the roles that may open it (everyone else gets 403)
PAGES = {
    "/kommuner/": {"library", "debtor", "agreements", "sysadmin"},
    "/kommuner/717300/": {"library", "debtor", "agreements", "sysadmin"},
    "/dashboard/": {"library", "debtor", "agreements", "sysadmin"},
    "/kommuner/ny/": {"sysadmin"},
    "/kommuner/717300/opsaetning/": {"sysadmin"},
    "/kommuner/717300/datavask/": {"library", "sysadmin"},
    "/opgaver/": {"library", "debtor", "sysadmin"},
    "/afstemning/": {"debtor", "sysadmin"},
    "/cutover/preview/": {"library", "debtor", "sysadmin"},
}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_opens_only_its_pages(login, agency, role):
    client = login(role)
    seen = {page for page in PAGES if client.get(page).status_code == 200}
    refused = {page for page in PAGES if client.get(page).status_code == 403}
    assert seen == {page for page, roles in PAGES.items() if role in roles}
    assert refused == set(PAGES) - seen


def test_anonymous_visitors_are_sent_to_log_in(client, agency):
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302, page
        assert "/login/" in response["Location"]


@pytest.mark.parametrize(("role", "allowed"), [(r, r != "agreements") for r in ROLE_NAMES])
def test_signing_off_a_task_needs_the_role(login, agency, role, allowed):
    response = login(role).post(
        "/kommuner/717300/kvitter/", {"task": "organisation", "status": "done"}
    )
    assert response.status_code == (302 if allowed else 403)
    assert SignOff.objects.filter(agency=agency).exists() is allowed


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_the_system_administrator_changes_the_set_up_or_switches_on(login, agency, role):
    client = login(role)
    setup = client.post("/kommuner/717300/opsaetning/", {"name": "Ændret"})
    switch = client.post("/kommuner/717300/aktiver/", {"preview_code": "X"})
    expected = 403 if role != "sysadmin" else None
    if expected:
        assert (setup.status_code, switch.status_code) == (403, 403)
    else:
        assert setup.status_code == 200  # the form again, with its errors (fields missing)
        assert switch.status_code == 302  # back to the checklist, with why it is refused
    agency.refresh_from_db()
    assert agency.name != "Ændret"
    assert agency.integration_active is False


def test_forms_are_csrf_protected(login, agency):
    client = login("sysadmin", csrf=True)
    response = client.post("/kommuner/717300/kvitter/", {"task": "organisation", "status": "done"})
    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_only_the_system_administrator_sees_a_full_cpr_and_it_is_logged(login, adult):
    page = f"/admin/ledger/patron/{adult.pk}/change/"
    library = login("library").get(page).content.decode()
    assert "150575-XXXX" in library
    assert "1505751007" not in library
    assert "150575-1007" not in library
    assert not PersonalDataAccess.objects.exists()
    sysadmin = login("sysadmin").get(page).content.decode()
    assert "1505751007" in sysadmin or "150575-1007" in sysadmin
    assert PersonalDataAccess.objects.filter(user__username="sysadmin", patron=adult).count() == 1
