"""The citizen page through the real views: sign-in, the two groups with their totals, texts
that follow the cut-off date and the last coverage received, and paying at the library."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from bibdebitor.common.payment_simulator import DECLINED_CARD
from bibdebitor.domain.claims import EventKind
from bibdebitor.ledger.models import ClaimEvent
from bibdebitor.ledger.selectors import claim_state, patron_is_blocked
from bibdebitor.ledger.services import record_coverage

from .conftest import CPR, PIN, days_ago

pytestmark = pytest.mark.django_db


def signed_in(agency, username=CPR, pin=PIN) -> tuple[Client, str]:
    client = Client()
    page = client.post(
        reverse("citizen-sign-in", args=[agency.agency_id]),
        {"username": username, "pin": pin},
        follow=True,
    )
    return client, page.content.decode()


def total(page: str, group: str) -> str:
    return re.search(rf'id="{group}-total">([^<]+)<', page).group(1)


def test_a_wrong_pin_is_refused_without_echoing_the_number(citizen, agency):
    _client, page = signed_in(agency, pin="1111")
    assert "Forkert lånernummer, CPR-nummer eller pinkode" in page
    assert CPR not in page
    assert Client().get(reverse("citizen-overview", args=[agency.agency_id])).status_code == 302


def test_both_groups_with_totals_and_texts_that_follow_the_cut_off(citizen, agency):
    _patron, _claims = citizen
    _client, page = signed_in(agency)
    cutoff = agency.cutoff_date
    # On site: 30,00 + 125,50 of the borrower's own, and the child's 25,00.
    assert total(page, "on-site") == "180,50 kr."
    # Handed over: on the cut-off date 50,00, after it 200,00, the child's 40,00.
    assert total(page, "off-site") == "290,00 kr."
    assert f"fra {cutoff.day}. " in page
    assert "Ida Ærø" in page  # the child's fees, for the guardian
    assert "+73&lt; +86836084&lt;" in page
    assert "betalingsoverblik.example.dk" in page
    assert "Der er endnu ikke kommet nogen melding" in page
    assert CPR not in page

    # A vendor without a portal: the invoice comes by Digital Post or post.
    agency.debtor_vendor = "eg_os"
    agency.save()
    _client, page = signed_in(agency)
    assert "betalingsoverblik.example.dk" not in page
    assert "Du får en regning i Digital Post" in page

    # Moving the cut-off date changes the texts with no hand editing.
    agency.cutoff_date = days_ago(5)
    agency.save()
    _client, page = signed_in(agency)
    assert f"fra {agency.cutoff_date.day}. " in page


def test_the_delay_notice_shows_the_last_coverage_received(citizen, agency):
    from bibdebitor.transfer.models import InboxMessage

    InboxMessage.objects.create(
        agency=agency,
        transaction_id="5f0c7c7e-3a6c-4d35-9a8c-4f3b5a1f2e11",
        registration_count=1,
        request_gz=b"",
    )
    _client, page = signed_in(agency)
    assert "Den seneste melding kom" in page


def test_paying_on_site_is_a_journal_event_and_unblocks(citizen, agency):
    patron, claims = citizen
    agency.block_threshold_ore = 100_00
    agency.save()
    # The municipality has been paid what it collects; 155,50 kr. on site is left.
    record_coverage(claims["on_cutoff"], 5_000, actor="system:test")
    record_coverage(claims["new"], 20_000, actor="system:test")
    assert patron_is_blocked(patron)
    client, _page = signed_in(agency)
    url = reverse("citizen-pay", args=[agency.agency_id])
    page = client.get(url).content.decode()
    ids = [claims["old_fee"].pk, claims["day_before"].pk]
    declined = client.post(url, {"fees": ids, "method": "card", "card_number": DECLINED_CARD})
    assert "afvist" in declined.content.decode()
    assert not ClaimEvent.objects.filter(claim_id__in=ids, kind=EventKind.COVERED).exists()
    done = client.post(
        url, {"fees": ids, "method": "mobilepay", "phone": "20304050"}, follow=True
    ).content.decode()
    assert "155,50 kr. er betalt" in done
    assert claim_state(claims["old_fee"]).open == 0
    assert claim_state(claims["day_before"]).open == 0
    assert not patron_is_blocked(patron)
    assert "csrfmiddlewaretoken" in page


def test_a_handed_over_fee_cannot_be_paid_here(citizen, agency):
    _patron, claims = citizen
    client, _page = signed_in(agency)
    url = reverse("citizen-pay", args=[agency.agency_id])
    response = client.post(
        url, {"fees": [claims["new"].pk], "method": "card", "card_number": "4111111111111111"}
    )
    assert response.status_code == 200  # not a valid choice: the form says so
    assert claim_state(claims["new"]).open == 20_000


def test_the_72_hour_delay_is_told_where_the_debtor_system_reports_in_batches(citizen, agency):
    """Seed 000 ("Vejledning på betalingssiden", "Forsinket opdatering"): "kan der gå op til 72
    timer før listen over gebyrer eller erstatninger … er opdateret" -- told beside the time of
    the last report whenever the municipality's debtor system reports in batches."""
    _client, page = signed_in(agency)
    assert "op til 72 timer" in page
    assert "Der er endnu ikke kommet nogen melding" in page
    agency.coverage_in_batches = False
    agency.save()
    _client, page = signed_in(agency)
    assert "op til 72 timer" not in page
