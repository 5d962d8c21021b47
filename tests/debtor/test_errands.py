"""The debtor clerk's and the citizen's errands through Django's test client: finding a claim,
placing an unplaced payment, reading a letter (page and PDF), paying no more than is owed."""

import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from bibdebitor.debtor import cycle, letters
from bibdebitor.debtor.models import (
    ClaimEntry,
    CoverageMessage,
    CreditEntry,
    Document,
    DocumentKind,
    EntryKind,
    Payment,
    PaymentChannel,
    PaymentPlacement,
    PostedLetter,
)
from bibdebitor.debtor.payments import (
    PaymentError,
    place_payment,
    record_payment,
    unplaced_payments,
)
from bibdebitor.debtor.selectors import ClaimQuery, ClaimState, find_claims, open_balances
from bibdebitor.domain.classification import AccountType
from bibdebitor.protocol.messages import CoverageKind

from .conftest import ADULT_CPR

pytestmark = pytest.mark.django_db

OTHER_CPR = "0101901234"


def clerk() -> Client:
    client = Client()
    client.force_login(User.objects.create_user("sagsbehandler", password="x", is_staff=True))
    return client


def url(name: str, debtor, *args) -> str:
    return reverse(name, args=[debtor.instance.instance_uuid, *args])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_find_claims_by_id_account_name_and_filters(debtor):
    debtor.register(10_000)  # 799900-1, account of patron 1001
    debtor.register(20_000, cpr=OTHER_CPR, patron="1002")  # 799900-2
    debtor.register(30_000, patron="1001")  # 799900-3
    cycle.advance(0)
    instance = debtor.instance
    ids = lambda q: sorted(c.claim_id for c in find_claims(instance, q))  # noqa: E731
    assert ids(ClaimQuery(text="799900-2")) == ["799900-2"]
    assert ids(ClaimQuery(text=debtor.account("1001").reference)) == ["799900-1", "799900-3"]
    assert ids(ClaimQuery(cpr=OTHER_CPR)) == ["799900-2"]
    invoice = Document.objects.get(kind=DocumentKind.INVOICE, account=debtor.account("1002"))
    assert ids(ClaimQuery(text=str(invoice.pk))) == ["799900-2"]
    record_payment(
        instance, channel=PaymentChannel.BANK, reference="b1", amount_ore=20_000, invoice=invoice
    )
    assert ids(ClaimQuery(state=ClaimState.OPEN)) == ["799900-1", "799900-3"]
    assert ids(ClaimQuery(state=ClaimState.SETTLED)) == ["799900-2"]
    assert ids(ClaimQuery(handed_over=True)) == []
    assert ids(ClaimQuery(manual=False)) == ["799900-1", "799900-2", "799900-3"]
    claims = find_claims(instance, ClaimQuery())
    balances = open_balances(claims)
    found = {c.claim_id: balances[c.pk] for c in claims}
    assert found == {"799900-1": 10_000, "799900-2": 0, "799900-3": 30_000}


def test_the_claim_list_counts_up_to_a_cap_and_reads_no_claim_with_a_join(debtor, monkeypatch):
    """A million claims are read a page at a time: the count stops at the cap (the page
    says "more than"), and no query joins the claims to their accounts (SQLite then sorts
    every claim); the rows still show each account."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bibdebitor.common import pagination

    for amount in (10_000, 20_000, 30_000, 40_000):
        debtor.register(amount)
    client = clerk()
    page = client.get(url("staff-claims", debtor)).content.decode()
    assert "4 fordringer" in page
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url("staff-claims", debtor), {"tilstand": "open"}).content.decode()
    assert "Mere end 3 fordringer" in page
    assert debtor.account("1001").reference in page
    claim_queries = [q["sql"] for q in queries if 'FROM "debtor_debtorclaim"' in q["sql"]]
    assert claim_queries
    assert not [sql for sql in claim_queries if 'JOIN "debtor_account"' in sql]


def test_claim_list_page_searches_and_a_cpr_only_by_post(debtor):
    debtor.register(10_000)
    debtor.register(20_000, cpr=OTHER_CPR, patron="1002")
    client = clerk()
    assert Client().get(url("staff-claims", debtor)).status_code == 302, "staff only"
    page = client.get(url("staff-claims", debtor)).content.decode()
    assert "799900-1" in page
    assert "799900-2" in page
    assert ADULT_CPR not in page, "CPR numbers masked in the list"
    assert "150575-XXXX" in page
    page = client.get(url("staff-claims", debtor), {"q": "799900-2"}).content.decode()
    assert "799900-2" in page
    assert "799900-1</a>" not in page
    posted = client.post(url("staff-claims", debtor), {"cpr": OTHER_CPR})
    assert posted.status_code == 302
    assert OTHER_CPR not in posted["Location"], "the CPR never lands in an address"
    page = client.get(posted["Location"]).content.decode()
    assert 'id="cpr-shown"' in page
    assert "799900-2" in page
    assert "799900-1</a>" not in page
    bad = client.post(url("staff-claims", debtor), {"cpr": "12345"}).content.decode()
    assert "CPR" in bad
    assert "12345" not in bad


def test_claim_page_shows_account_letters_and_other_claims(debtor):
    debtor.register(10_000)
    debtor.register(5_000, patron="1001", account_type=AccountType.MINOR_WITH_GUARDIAN)
    cycle.advance(0)
    page = clerk().get(url("staff-claim", debtor, "799900-1")).content.decode()
    assert 'id="letters"' in page
    assert "Opkrævning" in page
    assert 'id="party-claims"' in page
    assert "799900-2" in page


def test_clerk_places_an_unplaced_payment_and_the_library_hears_of_it(debtor):
    debtor.register(10_000)
    cycle.advance(0)
    payment = record_payment(
        debtor.instance, channel=PaymentChannel.BANK, reference="x1", amount_ore=12_500
    ).payment
    client = clerk()
    overview = client.get(url("staff-overview", debtor)).content.decode()
    placement_url = url("staff-placement", debtor, payment.pk)
    assert placement_url in overview
    found = client.get(placement_url, {"q": "799900-1"}).content.decode()
    account = debtor.account()
    assert f"konto={account.pk}" in found
    preview = client.get(placement_url, {"konto": account.pk}).content.decode()
    assert 'id="allocation"' in preview
    assert "100,00" in preview
    assert 'id="credit">25,00' in preview
    assert not ClaimEntry.objects.filter(kind=EntryKind.PAID).exists(), "a preview books nothing"
    done = client.post(placement_url, {"konto": account.pk})
    assert done.status_code == 302
    placement = PaymentPlacement.objects.get(payment=payment)
    assert placement.actor == "staff:sagsbehandler"
    paid = ClaimEntry.objects.get(kind=EntryKind.PAID)
    assert (paid.claim.claim_id, paid.amount_ore) == ("799900-1", 10_000)
    assert CreditEntry.objects.get(payment=payment).delta_ore == 2_500
    message = CoverageMessage.objects.get(kind=CoverageKind.PAYMENT)
    assert (message.claim_id, message.amount_ore) == ("799900-1", 10_000)
    assert payment not in unplaced_payments(debtor.instance)
    with pytest.raises(PaymentError):
        place_payment(payment, account, actor="staff:en anden")
    assert client.get(placement_url).status_code == 404, "placed: no longer on the list"


def test_placing_on_someone_elses_invoice_is_refused(debtor):
    debtor.register(10_000)
    debtor.register(10_000, cpr=OTHER_CPR, patron="1002")
    cycle.advance(0)
    payment = record_payment(
        debtor.instance, channel=PaymentChannel.BANK, reference="x2", amount_ore=1_000
    ).payment
    other_invoice = Document.objects.get(account=debtor.account("1002"))
    with pytest.raises(PaymentError) as refused:
        place_payment(payment, debtor.account("1001"), invoice=other_invoice, actor="system:k")
    assert refused.value.code == "placement_invoice"
    assert not PaymentPlacement.objects.exists()


def test_letters_are_pages_and_pdfs_with_the_code_line(debtor):
    debtor.register(13_100)
    cycle.advance(0)
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    client = clerk()
    page = client.get(url("staff-letter", debtor, invoice.pk)).content.decode()
    assert "Testkommune kmd_opus" in page
    assert "131,00" in page
    assert str(invoice.code_line) in page.replace("&lt;", "<")
    assert letters.post_letters() == 1
    posted = PostedLetter.objects.get(document=invoice)
    response = client.get(url("staff-letter-pdf", debtor, invoice.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(posted.pdf), "the PDF shown is the one that was sent"
    text = pdf_text(response.content)
    assert str(invoice.code_line) in text
    assert "Opkrævning" in text
    assert "131,00 kr." in text
    assert "Testkommune kmd_opus" in text
    assert letters.post_letters() == 0, "each letter is sent once"


def test_a_reminder_letter_names_its_fee_and_deadline(debtor):
    debtor.register(20_000)
    cycle.advance(0)
    cycle.advance(60)
    reminder = Document.objects.filter(kind=DocumentKind.REMINDER).order_by("id").first()
    assert reminder is not None
    text = pdf_text(letters.render_pdf(reminder))
    assert "Rykker 1" in text
    assert "rykkergebyr" in text.lower()
    assert str(reminder.code_line) in text


def portal_client(debtor, cpr=ADULT_CPR) -> Client:
    client = Client()
    response = client.post(url("portal-sign-in", debtor), {"cpr": cpr, "code": "123456"})
    assert response.status_code == 302
    return client


def test_the_citizen_opens_the_pdf_of_an_invoice_and_not_someone_elses(debtor):
    debtor.register(13_100)
    debtor.register(9_900, cpr=OTHER_CPR, patron="1002")
    cycle.advance(0)
    mine = Document.objects.get(account=debtor.account("1001"))
    theirs = Document.objects.get(account=debtor.account("1002"))
    client = portal_client(debtor)
    overview = client.get(url("portal-overview", debtor)).content.decode()
    assert url("portal-letter-pdf", debtor, mine.pk) in overview
    response = client.get(url("portal-letter-pdf", debtor, mine.pk))
    assert response.status_code == 200
    assert str(mine.code_line) in pdf_text(response.content)
    assert client.get(url("portal-letter-pdf", debtor, theirs.pk)).status_code == 404
    assert client.get(url("portal-letter", debtor, theirs.pk)).status_code == 404
    assert Client().get(url("portal-letter-pdf", debtor, mine.pk)).status_code == 302


def test_the_portal_refuses_to_take_more_than_is_owed(debtor):
    debtor.register(131_000)
    cycle.advance(0)
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    client = portal_client(debtor)
    pay = url("portal-pay", debtor, invoice.pk)
    refused = client.post(
        pay, {"method": "card", "amount": "5000", "card_number": "4571000000000001"}
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "højst betale 1.310,00 kr." in page
    assert "kr.." not in page
    assert not Payment.objects.exists(), "nothing was taken"
    paid = client.post(pay, {"method": "card", "amount": "1310", "card_number": "4571000000000001"})
    assert paid.status_code == 302
    assert not CreditEntry.objects.exists()


def test_the_mitid_simulator_locks_after_five_wrong_codes(debtor):
    """No guessable door: five wrong codes for a CPR number lock it for 15 minutes; the right
    code is refused meanwhile and accepted after the time."""
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    from bibdebitor.common import throttle

    sign_in = url("portal-sign-in", debtor)
    for _ in range(5):
        page = Client().post(sign_in, {"cpr": ADULT_CPR, "code": "000000"}).content.decode()
    assert "Log-in er spærret" in page
    refused = Client().post(sign_in, {"cpr": ADULT_CPR, "code": "123456"})
    assert refused.status_code == 200, "the right code is refused while locked"
    moment = timezone.now() + dt.timedelta(minutes=16)
    with mock.patch.object(throttle.timezone, "now", return_value=moment):
        assert Client().post(sign_in, {"cpr": ADULT_CPR, "code": "123456"}).status_code == 302
