"""A citizen's session ends when the browser closes and after 30 minutes idle; staff's after 8
hours idle. Every answer carries the policy headers (no inline script or style, no framing)."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bibdebitor.common.sessions import CITIZEN_IDLE, LAST_SEEN

from .test_citizen_page import signed_in

pytestmark = pytest.mark.django_db


def idle_for(client, duration: dt.timedelta) -> None:
    session = client.session
    session[LAST_SEEN] = (timezone.now() - duration).isoformat()
    session.save()


def test_the_citizens_cookie_dies_with_the_browser(citizen, agency):
    client, _page = signed_in(agency)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert client.session.get_expire_at_browser_close()


def test_a_citizen_idle_for_30_minutes_is_signed_out_and_told_why(citizen, agency):
    client, _page = signed_in(agency)
    overview = reverse("citizen-overview", args=[agency.agency_id])
    idle_for(client, CITIZEN_IDLE - dt.timedelta(minutes=1))
    assert client.get(overview).status_code == 200  # and the clock starts again
    idle_for(client, CITIZEN_IDLE + dt.timedelta(seconds=1))
    page = client.get(overview, follow=True)
    assert page.redirect_chain[-1][0].endswith("/log-ind/")
    assert "logget ud, fordi du ikke har brugt siden i 30 minutter" in page.content.decode()
    assert client.get(overview).status_code == 302  # the sign-in is gone, not only hidden


def test_staff_sessions_last_8_hours_from_the_last_request(admin_client):
    first = admin_client.get(reverse("overview"))
    assert first.status_code == 200
    expiry = admin_client.session.get_expiry_date()
    assert abs(expiry - (timezone.now() + dt.timedelta(hours=8))) < dt.timedelta(minutes=1)
    assert first.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 60 * 60


def test_every_page_forbids_inline_code_and_framing(citizen, agency, client):
    answer = client.get(reverse("citizen-sign-in", args=[agency.agency_id]))
    policy = answer.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
