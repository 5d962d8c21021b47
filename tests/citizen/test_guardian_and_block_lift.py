"""A guardian who is no borrower signs in to the citizen page; library staff lift a block on
a receipt (seed 003, "Kortlæg arbejdsgange", question 2: "Man kan bede borgeren betale og
komme tilbage med kvittering for betalingen og manuelt låse borgeren op"), and the lift ends
by itself when the payment's coverage arrives or after the agency's number of days."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bibdebitor.backoffice.roles import LIBRARY_STAFF, ensure_roles
from bibdebitor.common import clock
from bibdebitor.domain.errors import DomainError
from bibdebitor.ledger.models import BlockLift
from bibdebitor.ledger.selectors import active_block_lift, patron_is_blocked
from bibdebitor.ledger.services import (
    lift_block,
    record_consent,
    record_coverage,
    register_guardian,
    register_patron,
    set_pin,
)

from .conftest import claim, days_ago
from .test_citizen_page import signed_in, total

pytestmark = pytest.mark.django_db

GUARDIAN_CPR = "0707614285"
GUARDIAN_PIN = "1357"


@pytest.fixture
def guardian_only(agency):
    """A mother who has no library card, liable for her son's claims since before them."""
    son = register_patron(
        agency, patron_number="4001", kind="person", name="Bo Lund", cpr="0104164003"
    )
    mother = register_guardian(agency, cpr=GUARDIAN_CPR, name="Lise Lund")
    with clock.at(days_ago(100)):
        record_consent(son, mother, journal_reference="J-7", actor="system:t")
    set_pin(mother, GUARDIAN_PIN)
    claim(son, 41, 6_000, days_ago(50), reason="Overskredet lånetid")
    claim(son, 42, 9_000, days_ago(120), reason="Før samtykket")  # before the consent
    return son, mother


def test_a_guardian_who_is_no_borrower_signs_in_and_sees_the_childs_claims(agency, guardian_only):
    client, page = signed_in(agency, username=GUARDIAN_CPR, pin=GUARDIAN_PIN)
    assert 'id="guardian-intro"' in page
    assert "Lise Lund" in page
    assert "Bo Lund" in page
    assert total(page, "on-site") == "60,00 kr.", "only claims made after the consent"
    assert GUARDIAN_CPR not in page
    _client, refused = signed_in(agency, username=GUARDIAN_CPR, pin="0000")
    assert "Forkert lånernummer, CPR-nummer eller pinkode" in refused
    assert client.get(reverse("citizen-pay", args=[agency.agency_id])).status_code == 200


def test_the_guardian_pays_the_childs_fee_and_the_journal_names_the_guardian(agency, guardian_only):
    son, mother = guardian_only
    client, _page = signed_in(agency, username=GUARDIAN_CPR, pin=GUARDIAN_PIN)
    fee = son.claims.get(claim_number=41)
    client.post(
        reverse("citizen-pay", args=[agency.agency_id]),
        {"fees": [fee.pk], "method": "mobilepay", "phone": "20304050"},
    )
    event = fee.events.order_by("-seq").first()
    assert event.kind == "covered"
    assert event.actor == f"guardian:{mother.pk}"


@pytest.fixture
def blocked(agency):
    agency.block_threshold_ore = 100_00
    agency.block_lift_days = 3
    agency.save()
    patron = register_patron(
        agency, patron_number="5001", kind="person", name="Ane Holm", cpr="1505751007"
    )
    fee = claim(patron, 51, 25_000, days_ago(3))
    assert patron_is_blocked(patron)
    return patron, fee


def desk_clerk() -> Client:
    ensure_roles()
    user = User.objects.create_user("skranke", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=LIBRARY_STAFF))
    client = Client()
    client.force_login(user)
    return client


def test_a_lift_needs_a_receipt_and_a_note_and_a_blocked_borrower(agency, blocked):
    patron, _fee = blocked
    with pytest.raises(DomainError) as no_receipt:
        lift_block(patron, receipt_reference=" ", reason="betalt", actor="system:k")
    assert no_receipt.value.code == "lift_receipt"
    with pytest.raises(DomainError):
        lift_block(patron, receipt_reference="MP-1", reason="", actor="system:k")
    free = register_patron(agency, patron_number="5002", kind="person", name="Fri")
    with pytest.raises(DomainError) as not_blocked:
        lift_block(free, receipt_reference="MP-1", reason="betalt", actor="system:k")
    assert not_blocked.value.code == "lift_not_blocked"
    assert not BlockLift.objects.exists()


def test_lift_ends_when_the_coverage_arrives(agency, blocked):
    patron, fee = blocked
    lift = lift_block(
        patron, receipt_reference="MP-77", reason="Betalt i MobilePay", actor="system:k"
    )
    assert not patron_is_blocked(patron)
    assert lift.until - lift.recorded_at >= dt.timedelta(days=3) - dt.timedelta(seconds=5)
    record_coverage(fee, 10_000, actor="system:dækning")  # part of it: still above the threshold
    assert active_block_lift(patron) is None, "the payment came through: the lift is over"
    assert patron_is_blocked(patron), "and the balance speaks again"


def test_lift_ends_after_the_agencys_days(agency, blocked):
    patron, _fee = blocked
    lift = lift_block(patron, receipt_reference="MP-78", reason="Kvittering vist", actor="system:k")
    assert not patron_is_blocked(patron, now=timezone.now() + dt.timedelta(days=2))
    assert patron_is_blocked(patron, now=lift.until + dt.timedelta(seconds=1))


def test_staff_lift_the_block_at_the_desk_and_the_citizen_page_says_so(agency, blocked):
    patron, _fee = blocked
    set_pin(patron, "2468")
    client = desk_clerk()
    lookup = client.post(reverse("desk-lookup", args=[agency.agency_id]), {"kort": "5001"})
    page_url = reverse("desk-patron", args=[agency.agency_id, "5001"])
    assert lookup["Location"] == page_url
    page = client.get(page_url).content.decode()
    assert 'id="lift-form"' in page
    assert "Spærret" in page
    lift_url = reverse("desk-lift", args=[agency.agency_id, "5001"])
    refused = client.post(lift_url, {"receipt_reference": "", "reason": "x"})
    assert refused.status_code == 200
    assert not BlockLift.objects.exists()
    client.post(lift_url, {"receipt_reference": "MP-99", "reason": "Kvittering vist"})
    lift = BlockLift.objects.get()
    assert (lift.actor, lift.receipt_reference) == ("staff:skranke", "MP-99")
    assert not patron_is_blocked(patron)
    assert "MP-99" in client.get(page_url).content.decode()
    _c, citizen_page = signed_in(agency, username="5001", pin="2468")
    assert 'id="block-lifted"' in citizen_page
    cpr_lookup = client.post(
        reverse("desk-lookup", args=[agency.agency_id]), {"kort": "1505751007"}
    )
    assert cpr_lookup["Location"] == page_url, "a CPR number finds the borrower, by POST"
    assert Client().get(page_url).status_code == 302, "staff only"
