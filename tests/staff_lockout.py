"""The staff sign-in lock-out every process shares (django-axes, settings/base.py), checked
from each process's own suite: five wrong passwords lock the username, the right password is
refused while locked (with the Danish page), and is accepted after the cool-off or once an
administrator lifts the lock."""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings

LOGIN = "/admin/login/"
COOL_OFF_SECONDS = 5


def try_password(username: str, password: str) -> int:
    response = Client().post(LOGIN, {"username": username, "password": password, "next": "/"})
    return response.status_code


def check_staff_lockout() -> None:
    User.objects.create_user("laast", password="rigtig-kode-2026", is_staff=True)
    assert [try_password("laast", "forkert") for _ in range(4)] == [200] * 4
    locked = Client().post(LOGIN, {"username": "laast", "password": "forkert"})
    assert locked.status_code == 429
    assert "Log-in er spærret et stykke tid" in locked.content.decode()
    assert try_password("laast", "rigtig-kode-2026") == 429, "refused while locked"
    call_command("axes_reset_username", "laast", verbosity=0)
    assert try_password("laast", "rigtig-kode-2026") == 302, "lifted by an administrator"
    # A short cool-off, counted from the last wrong try (roomy enough for a busy CI machine).
    with override_settings(AXES_COOLOFF_TIME=dt.timedelta(seconds=COOL_OFF_SECONDS)):
        for _ in range(5):
            try_password("laast", "forkert")
        last_wrong = time.monotonic()
        assert try_password("laast", "rigtig-kode-2026") == 429
        time.sleep(max(0.0, last_wrong + COOL_OFF_SECONDS + 0.5 - time.monotonic()))
        assert try_password("laast", "rigtig-kode-2026") == 302, "accepted after the time"
