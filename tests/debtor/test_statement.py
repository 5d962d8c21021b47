"""The claim statement the library reconciles against: right numbers and states, paged, and
only the caller's own claims."""

import pytest
from django.test import Client
from django.urls import reverse

from bibdebitor.debtor import cycle
from bibdebitor.debtor.models import ClaimEntry, Document, DocumentKind, EntryKind
from bibdebitor.debtor.payments import record_payment, write_off

from .conftest import make_instance

pytestmark = pytest.mark.django_db


def fetch(token, **params):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(reverse("sf1590-statement"), params)


def test_statement_shows_amounts_and_states(debtor):
    for amount in (10_000, 20_000, 30_000, 40_000):
        debtor.register(amount, patron=str(amount))
    cycle.advance(0)
    first = Document.objects.filter(kind=DocumentKind.INVOICE).order_by("id").first()
    record_payment(debtor.instance, channel="bank", reference="b1", amount_ore=4_000, invoice=first)
    write_off(debtor.claim(2), 20_000, "uerholdeligt", actor="system:test")
    ClaimEntry.objects.create(
        claim=debtor.claim(3),
        kind=EntryKind.CANCELLED,
        amount_ore=30_000,
        delta_ore=-30_000,
        effective_on=first.issued_on,
    )
    ClaimEntry.objects.create(
        claim=debtor.claim(4), kind=EntryKind.HANDED_OVER, effective_on=first.issued_on
    )
    other = make_instance("eg_os")
    other.register(99_000)

    body = fetch(debtor.token).json()
    lines = {line["claim_id"]: line for line in body["fordringer"]}
    assert sorted(lines) == ["799900-1", "799900-2", "799900-3", "799900-4"]
    assert (lines["799900-1"]["open_ore"], lines["799900-1"]["paid_ore"]) == (6_000, 4_000)
    assert lines["799900-1"]["state"] == "open"
    assert (lines["799900-2"]["written_off_ore"], lines["799900-2"]["state"]) == (20_000, "settled")
    assert lines["799900-3"]["state"] == "cancelled"
    assert lines["799900-4"]["state"] == "handed_over"


def test_statement_pages_by_cursor(debtor):
    for amount in range(1, 6):
        debtor.register(amount * 1_000, patron=str(amount))
    seen, cursor = [], 0
    while True:
        body = fetch(debtor.token, efter=cursor, antal=2).json()
        if not body["fordringer"]:
            break
        seen += [line["claim_id"] for line in body["fordringer"]]
        cursor = body["naeste"]
    assert seen == [f"799900-{n}" for n in range(1, 6)]


def test_statement_needs_the_callers_token_and_sane_paging(debtor):
    assert fetch("forkert").status_code == 401
    assert fetch(debtor.token, antal=0).status_code == 400
    assert fetch(debtor.token, efter="x").status_code == 400
