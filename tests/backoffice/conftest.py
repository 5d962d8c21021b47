import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from bibdebitor.backoffice.roles import (
    AGREEMENT_ADMINISTRATORS,
    DEBTOR_STAFF,
    LIBRARY_STAFF,
    SYSTEM_ADMINISTRATORS,
)

PASSWORD = "en-lang-kode-til-test-42"
ROLES = {
    "library": LIBRARY_STAFF,
    "debtor": DEBTOR_STAFF,
    "agreements": AGREEMENT_ADMINISTRATORS,
    "sysadmin": SYSTEM_ADMINISTRATORS,
}


@pytest.fixture
def login(db):
    """A logged-in test client for one of the four roles."""

    def as_role(role: str, *, csrf: bool = False) -> Client:
        call_command(
            "staff-user", f"--username={role}", f"--password={PASSWORD}", f"--role={ROLES[role]}"
        )
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(User.objects.get(username=role))
        return client

    return as_role


@pytest.fixture(autouse=True)
def nothing_listens(settings):
    """The checklist asks the platform and the debtor system; here nobody answers."""
    settings.BIBDEBITOR_PLATFORM_URL = ""
    settings.BIBDEBITOR_DEBTOR_SETUP_URL = "http://127.0.0.1:9/sf1590/Opsaetning/1"
