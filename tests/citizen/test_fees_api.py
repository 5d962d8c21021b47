"""The FBS-compatible fees API: the OAuth password grant and the payable split around the
cut-off date."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bibdebitor.citizen.models import AccessToken, ClientSystem
from bibdebitor.common.credentials import digest
from bibdebitor.domain.claims import EventKind
from bibdebitor.ledger.models import ClaimEvent
from bibdebitor.ledger.selectors import journal_summaries, patron_claim_summaries
from bibdebitor.ledger.services import NewEvent, append_events

from .conftest import CLIENT_ID, CLIENT_SECRET, CPR, PIN

pytestmark = pytest.mark.django_db

FEES = "/external/agencyid/patron/patronid/fees/v2"


def get_token(username=CPR, pin=PIN, secret=CLIENT_SECRET, grant="password"):
    return Client().post(
        reverse("oauth-token"),
        {
            "grant_type": grant,
            "client_id": CLIENT_ID,
            "client_secret": secret,
            "username": username,
            "password": pin,
        },
    )


def fees(token, paid="false", nonpayable="false"):
    response = Client().get(
        FEES,
        {"includepaid": paid, "includenonpayable": nonpayable},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    return {fee["feeId"]: fee for fee in response.json()}


def test_the_token_needs_the_client_secret_and_the_patrons_pin(citizen):
    assert get_token(secret="forkert-hemmelighed").status_code == 401
    assert get_token(pin="0000").json()["error"] == "invalid_grant"
    assert get_token(grant="client_credentials").status_code == 400
    by_card = get_token(username="3001")
    assert by_card.status_code == 200
    assert by_card.json()["token_type"] == "bearer"
    assert CPR not in by_card.content.decode()


def test_fees_need_a_valid_token_and_both_flags(citizen):
    assert (
        Client().get(FEES, {"includepaid": "false", "includenonpayable": "false"}).status_code
        == 401
    )
    token = get_token().json()["access_token"]
    missing = Client().get(FEES, {"includepaid": "true"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert missing.status_code == 400
    assert "includenonpayable" in missing.json()["message"]


def test_payable_only_before_the_cut_off_date(citizen):
    token = get_token().json()["access_token"]
    payable = fees(token)
    assert sorted(payable) == [1, 4]  # open, created before the cut-off date
    assert payable[4]["type"] == "compensation"
    assert payable[4]["amount"] == 125.5
    assert payable[1]["materials"][0]["recordId"] == "00000001"
    everything = fees(token, paid="true", nonpayable="true")
    assert sorted(everything) == [1, 2, 4, 5, 6]  # the cancelled claim is no fee
    assert [everything[n]["payableByClient"] for n in (1, 2, 4, 5, 6)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert everything[2]["paidDate"]
    assert "paidDate" not in everything[1]


def test_an_expired_token_or_a_deactivated_client_reads_nothing(citizen):
    fresh = get_token().json()["access_token"]
    assert fees(fresh)
    issued = AccessToken.objects.get()
    AccessToken.objects.create(
        token_sha256=digest("udloebet-token"),
        client=issued.client,
        patron=issued.patron,
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    unauthorised = {"includepaid": "true", "includenonpayable": "true"}
    expired = Client().get(FEES, unauthorised, HTTP_AUTHORIZATION="Bearer udloebet-token")
    assert expired.status_code == 401
    ClientSystem.objects.update(active=False)
    deactivated = Client().get(FEES, unauthorised, HTTP_AUTHORIZATION=f"Bearer {fresh}")
    assert deactivated.status_code == 401
    assert deactivated.json() == {"message": "client unauthorized"}


def test_the_paid_date_is_the_local_date_of_the_last_payment(citizen):
    _, claims = citizen
    half_past_midnight_in_copenhagen = dt.datetime(2026, 1, 14, 23, 30, tzinfo=dt.UTC)
    append_events(
        [NewEvent(claims["old_fee"].pk, EventKind.COVERED, 3_000)],
        actor="system:test",
        occurred_at=half_past_midnight_in_copenhagen,
    )
    paid = fees(get_token().json()["access_token"], paid="true", nonpayable="true")[1]
    assert paid["paidDate"] == "2026-01-15"


def test_the_hand_written_summaries_agree_with_the_orm_ones(citizen):
    patron, claims = citizen
    child = claims["child_old"].patron
    ids = [patron.pk, child.pk]
    by_orm = {
        summary.claim_id: summary
        for (summary,) in journal_summaries(ClaimEvent.objects.filter(claim__patron_id__in=ids))
    }
    by_hand = dict((claim.pk, summary) for claim, summary in patron_claim_summaries(ids))
    assert by_hand == by_orm
    assert len(by_hand) == len(claims)
    assert {s.transfer for s in by_hand.values()} >= {"at_library"}
    assert any(s.cancelled for s in by_hand.values())
    assert any(s.covered and s.last_covered_at for s in by_hand.values())
