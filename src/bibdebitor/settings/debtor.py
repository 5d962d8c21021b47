"""The reference debtor system: its own process, its own database, no tables shared with the
library side. ``BIBDEBITOR_DEBTOR_DATABASE_URL`` selects PostgreSQL (default: SQLite)."""

import os

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, database

INSTALLED_APPS = [*INSTALLED_APPS, "bibdebitor.debtor"]

ROOT_URLCONF = "bibdebitor.debtor.urls"
BIBDEBITOR_METRICS = "bibdebitor.debtor.metrics.collect"
BIBDEBITOR_READY_WORKERS = ["coverage"]
WSGI_APPLICATION = "bibdebitor.debtor.wsgi.application"
DATABASES = {"default": database("debtor.sqlite3", "BIBDEBITOR_DEBTOR_DATABASE_URL")}

BIBDEBITOR_SITE_TITLE = _("Debtor system")
BIBDEBITOR_SITE_HOME = "staff-home"
# (URL name, label, the permission a user needs to see the link, or None)
BIBDEBITOR_NAVIGATION: list[tuple[str, StrPromise, str | None]] = [
    ("staff-overview", _("Overview"), None),
    ("staff-claims", _("Claims"), None),
    ("admin:index", _("Administration"), None),
]

SESSION_COOKIE_NAME = "debtor_sessionid"
CSRF_COOKIE_NAME = "debtor_csrftoken"

# The MitID simulator of the payment portal accepts any valid CPR number with this code.
BIBDEBITOR_MITID_CODE = os.environ.get("BIBDEBITOR_MITID_CODE", "123456")
