"""The service platform (routing broker): its own process and database, like the debtor
system. ``BIBDEBITOR_BROKER_DATABASE_URL`` selects PostgreSQL (default: SQLite)."""

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, database

INSTALLED_APPS = [*INSTALLED_APPS, "bibdebitor.broker"]

ROOT_URLCONF = "bibdebitor.broker.urls"
BIBDEBITOR_METRICS = "bibdebitor.broker.metrics.collect"
WSGI_APPLICATION = "bibdebitor.broker.wsgi.application"
DATABASES = {"default": database("broker.sqlite3", "BIBDEBITOR_BROKER_DATABASE_URL")}

BIBDEBITOR_SITE_TITLE = _("Service platform")
BIBDEBITOR_SITE_HOME = "agreements"
# (URL name, label, the permission a user needs to see the link, or None)
BIBDEBITOR_NAVIGATION: list[tuple[str, StrPromise, str | None]] = [
    ("agreements", _("Service agreements"), "broker.view_agreement"),
    ("calls", _("Calls"), "broker.view_call"),
    ("admin:index", _("Administration"), None),
]

SESSION_COOKIE_NAME = "broker_sessionid"
CSRF_COOKIE_NAME = "broker_csrftoken"
