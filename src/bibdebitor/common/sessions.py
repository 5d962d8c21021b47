"""A citizen's signed-in session (the citizen page, the payment portal): it ends when the
browser closes and after 30 minutes without a request, a shorter life than staff sessions
(8 hours idle, settings): a citizen often signs in on a shared or public computer."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

CITIZEN_IDLE = dt.timedelta(minutes=30)
LAST_SEEN = "citizen_seen"


def begin_citizen_session(request: HttpRequest, key: str, value: object) -> None:
    request.session.cycle_key()  # a new session id: one fixed beforehand is worthless
    request.session.set_expiry(0)  # a cookie that the browser drops when it closes
    request.session[key] = value
    request.session[LAST_SEEN] = timezone.now().isoformat()


def citizen_session_value(request: HttpRequest, key: str) -> object | None:
    """What ``begin_citizen_session`` stored under ``key``, or None: never signed in, or
    idle too long (then the sign-in is forgotten and the citizen told why)."""
    value: object | None = request.session.get(key)
    if value is None:
        return None
    seen = request.session.get(LAST_SEEN)
    now = timezone.now()
    if seen is None or now - dt.datetime.fromisoformat(seen) > CITIZEN_IDLE:
        end_citizen_session(request)
        messages.info(request, _("You were signed out after 30 minutes without activity."))
        return None
    request.session[LAST_SEEN] = now.isoformat()
    return value


def end_citizen_session(request: HttpRequest) -> None:
    """Forget the session altogether: on a shared computer nothing of it may stay."""
    request.session.flush()
