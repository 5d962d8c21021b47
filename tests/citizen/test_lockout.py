"""No guessable door (OWASP ASVS 2.2.1): five wrong PINs in a row lock the name (and five from
one address lock the address) for 15 minutes, doubling on a repeat; the right PIN is refused
while locked and accepted after the time or when staff lift the lock; the answer is the same
for a card number that belongs to no one; each lock-out is journalled."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bibdebitor.backoffice.roles import LIBRARY_STAFF, ensure_roles
from bibdebitor.common import throttle
from bibdebitor.common.models import Lockout, SignInAttempt
from bibdebitor.common.throttle import Door, Gate

from .conftest import CLIENT_ID, CLIENT_SECRET, CPR, PIN

pytestmark = pytest.mark.django_db

LOCKED = "Log-in er spærret"
CARD = "3001"


def sign_in(agency, username, pin, address="10.0.0.1") -> str:
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        reverse("citizen-sign-in", args=[agency.agency_id]),
        {"username": username, "pin": pin},
        follow=True,
    )
    return response.content.decode()


def signed_in(page: str) -> bool:
    return 'id="on-site"' in page


def later(minutes: int):
    moment = timezone.now() + dt.timedelta(minutes=minutes)
    return mock.patch.object(throttle.timezone, "now", return_value=moment)


def test_five_wrong_pins_lock_the_card_and_the_right_pin_waits(citizen, agency):
    for _ in range(4):
        assert LOCKED not in sign_in(agency, CARD, "0000")
    page = sign_in(agency, CARD, "0000")
    assert LOCKED in page
    assert "Prøv igen efter kl." in page
    assert not signed_in(sign_in(agency, CARD, PIN)), "the right PIN is refused while locked"
    assert not signed_in(sign_in(agency, CPR, PIN, address="10.0.0.2")), "the CPR is one name"
    lockout = Lockout.objects.get(kind="name")
    assert lockout.until - lockout.recorded_at == dt.timedelta(minutes=15)
    with later(16):
        assert signed_in(sign_in(agency, CARD, PIN))


def test_a_repeat_lock_out_lasts_twice_as_long(citizen, agency):
    for _ in range(5):
        sign_in(agency, CARD, "0000")
    with later(16):
        for _ in range(5):
            sign_in(agency, CARD, "1111", address="10.0.0.9")
    first, second = Lockout.objects.filter(kind="name").order_by("id")
    assert second.until - second.recorded_at == 2 * (first.until - first.recorded_at)


def test_a_card_that_belongs_to_no_one_is_locked_the_same_way(citizen, agency):
    pages = [sign_in(agency, "9999999", "0000") for _ in range(5)]
    assert LOCKED in pages[-1]
    assert "9999999" not in pages[-1]
    assert all("Forkert lånernummer" in page for page in pages[:-1])


def test_five_wrong_tries_from_one_address_lock_the_address(citizen, agency):
    for number in range(5):
        sign_in(agency, f"77{number}", "0000", address="192.0.2.7")
    assert not signed_in(sign_in(agency, CARD, PIN, address="192.0.2.7"))
    assert signed_in(sign_in(agency, CARD, PIN, address="192.0.2.8"))
    assert Lockout.objects.filter(kind="address").count() == 1


def test_no_name_is_kept_in_clear(citizen, agency):
    for _ in range(5):
        sign_in(agency, CPR, "0000")
    keys = set(SignInAttempt.objects.values_list("key", flat=True))
    keys |= set(Lockout.objects.values_list("key", flat=True))
    assert all(CPR not in key and len(key) == 64 for key in keys)


def test_staff_lift_the_lock_on_the_borrowers_page(citizen, agency):
    for _ in range(5):
        sign_in(agency, CARD, "0000")
    ensure_roles()
    user = User.objects.create_user("skranke", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=LIBRARY_STAFF))
    staff = Client()
    staff.force_login(user)
    page = staff.get(reverse("desk-patron", args=[agency.agency_id, CARD])).content.decode()
    assert 'id="pin-locked"' in page
    staff.post(reverse("desk-unlock", args=[agency.agency_id, CARD]))
    assert (
        'id="pin-locked"'
        not in staff.get(reverse("desk-patron", args=[agency.agency_id, CARD])).content.decode()
    )
    assert signed_in(sign_in(agency, CARD, PIN))


def token(username, password):
    return Client(REMOTE_ADDR="10.1.1.1").post(
        reverse("oauth-token"),
        {
            "grant_type": "password",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "username": username,
            "password": password,
        },
    )


def test_the_oauth_password_grant_locks_after_five_wrong_pins(citizen, agency):
    statuses = [token(CARD, "0000").status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    locked = token(CARD, PIN)
    assert locked.status_code == 429, "the right PIN is refused while locked"
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    assert locked.json()["error"] == "invalid_grant"
    with later(16):
        assert token(CARD, PIN).status_code == 200


def test_a_right_pin_resets_the_count(citizen, agency):
    for _ in range(4):
        token(CARD, "0000")
    assert token(CARD, PIN).status_code == 200
    assert [token(CARD, "0000").status_code for _ in range(4)] == [400] * 4


def test_forgotten_attempts_are_pruned_and_lockouts_kept(citizen, agency):
    gate = Gate(Door.CITIZEN_PIN, "x", "10.0.0.3")
    old = timezone.now() - dt.timedelta(days=2)
    for _ in range(5):
        gate.failed(now=old)
    assert SignInAttempt.objects.count() == 10  # the name and the address, each time
    assert throttle.prune() == 10
    assert Lockout.objects.count() == 2, "the journal of lock-outs stays"
