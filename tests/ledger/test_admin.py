import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from bibdebitor.ledger.models import Claim
from bibdebitor.ledger.selectors import claim_state, patron_open_balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("chef", password="pw-for-tests")


def test_staff_create_a_claim_in_kroner_through_the_service(client, superuser, adult):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:ledger_claim_add"),
        {
            "patron": adult.pk,
            "claim_number": 77,
            "kind": "replacement",
            "amount": "1.234,50",
            "created_on": "2026-10-01",
            "due_date": "2026-10-31",
            "reason": "Bortkommet",
            "acknowledgement_reference": "Kvittering 9",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get(claim_number=77)
    assert claim.amount_ore == 123450
    assert claim_state(claim).acknowledged
    assert patron_open_balance(adult) == 123450
    detail = client.get(reverse("admin:ledger_claim_change", args=[claim.pk])).content.decode()
    assert "1.234,50 kr." in detail


def test_a_bad_amount_is_refused_in_danish(client, superuser, adult):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:ledger_claim_add"),
        {
            "patron": adult.pk,
            "claim_number": 78,
            "kind": "late_fee",
            "amount": "tyve",
            "created_on": "2026-10-01",
            "due_date": "2026-10-31",
        },
    )
    assert response.status_code == 200
    assert "Beløbet er ikke et antal kroner" in response.content.decode()
    assert not Claim.objects.exists()


def test_cancel_action_writes_a_journal_event(client, superuser, adult):
    client.force_login(superuser)
    from bibdebitor.ledger import services

    claim = services.create_claim(
        adult,
        claim_number=5,
        kind="late_fee",
        amount_ore=5000,
        created_on=dt.date(2026, 10, 1),
        due_date=dt.date(2026, 10, 31),
        actor="system:test",
    )
    client.post(
        reverse("admin:ledger_claim_changelist"),
        {"action": "cancel_claims", "_selected_action": [claim.pk]},
    )
    assert claim.events.filter(kind="cancelled", actor="staff:chef").exists()
    assert patron_open_balance(adult) == 0


def test_overview_needs_a_login_and_shows_open_amounts(client, superuser, adult):
    assert client.get("/").status_code == 302
    client.force_login(superuser)
    page = client.get("/").content.decode()
    assert "Lyngby-Taarbæk Bibliotekerne" in page


def test_a_cpr_changed_in_the_admin_is_journalled_through_the_service(client, superuser, adult):
    from bibdebitor.ledger.models import IdentifierChange, Patron

    client.force_login(superuser)
    url = reverse("admin:ledger_patron_change", args=[adult.pk])
    response = client.post(
        url,
        {
            "agency": adult.agency_id,
            "patron_number": adult.patron_number,
            "kind": "person",
            "name": "Søren Ærø Jensen",
            "cpr": "020280-4321",
            "cvr": "",
            "p_number": "",
            "gln": "",
            "birth_date": "",
            "street": "",
            "postcode": "",
            "city": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    patron = Patron.objects.get(pk=adult.pk)
    assert (patron.cpr, patron.name, patron.birth_date) == (
        "0202804321",
        "Søren Ærø Jensen",
        dt.date(1980, 2, 2),
    )
    change = IdentifierChange.objects.get()
    assert (change.field, change.old_value, change.new_value) == ("cpr", "1505751007", "0202804321")
