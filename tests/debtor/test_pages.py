"""The payment portal (for vendors that have one) and the staff pages, through Django's test
client: CSRF on, sessions real, the CPR number never in a URL or a page."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bibdebitor.common.sessions import CITIZEN_IDLE, LAST_SEEN
from bibdebitor.debtor import cycle
from bibdebitor.debtor.models import ClaimEntry, Document, DocumentKind, EntryKind, MappingEntry
from bibdebitor.debtor.setup import map_sortiment
from bibdebitor.domain.classification import ClaimType

from .conftest import ADULT_CPR, make_instance

pytestmark = pytest.mark.django_db


def signed_in(debtor, cpr=ADULT_CPR) -> Client:
    client = Client(enforce_csrf_checks=False)
    url = reverse("portal-sign-in", kwargs={"instance_uuid": debtor.instance.instance_uuid})
    response = client.post(url, {"cpr": cpr, "code": "123456"})
    assert response.status_code == 302
    return client


def overview_url(debtor):
    return reverse("portal-overview", kwargs={"instance_uuid": debtor.instance.instance_uuid})


def test_citizen_sees_open_invoices_and_pays_by_card(debtor):
    debtor.register(12_500)
    debtor.register(10_000, cpr="0101901234", patron="1002")  # someone else's
    cycle.advance(0)
    client = signed_in(debtor)
    page = client.get(overview_url(debtor)).content.decode()
    assert "125,00" in page
    assert "100,00" not in page
    assert ADULT_CPR not in page
    invoice = Document.objects.filter(kind=DocumentKind.INVOICE).order_by("id").first()
    assert str(invoice.code_line) in page.replace("&lt;", "<")
    pay_url = reverse(
        "portal-pay",
        kwargs={"instance_uuid": debtor.instance.instance_uuid, "invoice_id": invoice.pk},
    )
    declined = client.post(
        pay_url, {"method": "card", "amount": "125,00", "card_number": "4000 0000 0000 0002"}
    )
    assert declined.status_code == 200
    assert not ClaimEntry.objects.filter(kind=EntryKind.PAID).exists()
    paid = client.post(pay_url, {"method": "mobilepay", "amount": "50,00", "phone": "20202020"})
    assert paid.status_code == 302
    page = client.get(overview_url(debtor)).content.decode()
    assert "75,00" in page
    client.post(pay_url, {"method": "card", "amount": "75", "card_number": "4571000000000001"})
    page = client.get(overview_url(debtor)).content.decode()
    assert 'id="nothing"' in page


def test_another_citizens_invoice_cannot_be_paid(debtor):
    debtor.register(10_000, cpr="0101901234", patron="1002")
    cycle.advance(0)
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    url = reverse(
        "portal-pay",
        kwargs={"instance_uuid": debtor.instance.instance_uuid, "invoice_id": invoice.pk},
    )
    assert signed_in(debtor).get(url).status_code == 404


def test_wrong_mitid_code_and_bad_cpr_are_refused_in_danish(debtor):
    client = Client()
    url = reverse("portal-sign-in", kwargs={"instance_uuid": debtor.instance.instance_uuid})
    page = client.post(url, {"cpr": ADULT_CPR, "code": "000000"}).content.decode()
    assert "MitID" in page
    assert ADULT_CPR not in page
    page = client.post(url, {"cpr": "3213", "code": "123456"}).content.decode()
    assert "CPR-nummer" in page
    assert client.get(overview_url(debtor)).status_code == 302


def test_the_portal_needs_csrf(debtor):
    client = Client(enforce_csrf_checks=True)
    url = reverse("portal-sign-in", kwargs={"instance_uuid": debtor.instance.instance_uuid})
    assert client.post(url, {"cpr": ADULT_CPR, "code": "123456"}).status_code == 403


@pytest.mark.parametrize("vendor", ["prisme_2009", "eg_os"])
def test_vendors_without_a_portal_have_none(db, vendor):
    other = make_instance(vendor)
    url = reverse("portal-sign-in", kwargs={"instance_uuid": other.instance.instance_uuid})
    assert Client().get(url).status_code == 404


def staff_client() -> Client:
    user = User.objects.create_user("sagsbehandler", password="x", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_staff_page_lists_unmapped_classes(debtor):
    url = reverse("staff-overview", kwargs={"instance_uuid": debtor.instance.instance_uuid})
    assert Client().get(url).status_code == 302, "staff only"
    client = staff_client()
    assert 'id="all-mapped"' in client.get(url).content.decode()
    map_sortiment(debtor.instance, {ClaimType.REPLACEMENT_UNACKNOWLEDGED})
    assert MappingEntry.objects.filter(instance=debtor.instance).count() == 5
    page = client.get(url).content.decode()
    assert ClaimType.REPLACEMENT_UNACKNOWLEDGED.value in page
    receipt = debtor.register(5_000, claim_type=ClaimType.REPLACEMENT_UNACKNOWLEDGED)
    assert receipt.lines[0].code == "KLASSE_IKKE_MAPPET"


def test_staff_import_a_bank_file_and_write_off(debtor):
    debtor.register(10_000)
    cycle.advance(0)
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    client = staff_client()
    upload = reverse("staff-bank-file", kwargs={"instance_uuid": debtor.instance.instance_uuid})
    data = f"dato;beløb;kodelinje;reference\n02-03-2026;30,00;{invoice.code_line};X1\n"
    response = client.post(
        upload, {"file": SimpleUploadedFile("bank.csv", data.encode())}, follow=True
    )
    assert "1" in response.content.decode()
    claim_url = reverse(
        "staff-claim",
        kwargs={"instance_uuid": debtor.instance.instance_uuid, "claim_id": "799900-1"},
    )
    page = client.get(claim_url).content.decode()
    assert "70,00" in page
    refused = client.post(claim_url, {"amount": "80", "reason": "for meget"})
    assert refused.status_code == 200
    client.post(claim_url, {"amount": "70", "reason": "Uerholdeligt"})
    assert 'id="open">0,00' in client.get(claim_url).content.decode()


def test_the_portal_signs_a_citizen_out_after_30_minutes_idle_and_at_browser_close(debtor):
    client = signed_in(debtor)
    assert client.session.get_expire_at_browser_close()
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
    assert client.get(overview_url(debtor)).status_code == 200
    session = client.session
    session[LAST_SEEN] = (timezone.now() - CITIZEN_IDLE - dt.timedelta(seconds=1)).isoformat()
    session.save()
    page = client.get(overview_url(debtor), follow=True)
    assert page.redirect_chain[-1][0].endswith("/log-ind/")
    assert "ikke har brugt siden i 30 minutter" in page.content.decode()
