"""The library side: ledger, sortiment, transfer engine, back-office and citizen pages."""

import os

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, database

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "bibdebitor.ledger",
    "bibdebitor.sortiment",
    "bibdebitor.transfer",
    "bibdebitor.citizen",
    "bibdebitor.backoffice",
    "bibdebitor.demo",
]

ROOT_URLCONF = "bibdebitor.urls"
BIBDEBITOR_METRICS = "bibdebitor.transfer.metrics.collect"
BIBDEBITOR_READY_WORKERS = ["sender"]
WSGI_APPLICATION = "bibdebitor.wsgi.application"
DATABASES = {"default": database("library.sqlite3")}

# The back-office's header and navigation: (URL name, label, permission needed or None).
BIBDEBITOR_SITE_TITLE = _("Library debts")
BIBDEBITOR_SITE_HOME = "overview"
BIBDEBITOR_NAVIGATION: list[tuple[str, StrPromise, str | None]] = [
    ("overview", _("Overview"), None),
    ("desk-lookup", _("Borrowers"), "ledger.view_patron"),
    ("dashboard", _("Dashboard"), "backoffice.view_dashboard"),
    ("rollout", _("Go-live"), "backoffice.view_checklist"),
    ("cutover-preview", _("Cut-over dry run"), "ledger.view_claim"),
    ("tasks", _("Error tasks"), "transfer.view_errortask"),
    ("reconciliation", _("Reconciliation"), "transfer.view_reconciliationrun"),
    ("admin:index", _("Administration"), None),
]

# The SF1590_B_01 route: the service platform, or a debtor system directly.
BIBDEBITOR_SF1590_URL = os.environ.get(
    "BIBDEBITOR_SF1590_URL", "http://127.0.0.1:8001/sf1590/DebitorRegistreringAfsend/1"
)
# The debtor system's claim statement, read by reconciliation (same token as the route).
BIBDEBITOR_SF1590_STATEMENT_URL = os.environ.get(
    "BIBDEBITOR_SF1590_STATEMENT_URL", "http://127.0.0.1:8001/sf1590/FordringOversigt/1"
)
# The debtor system's own set-up (subscription, mapping, rules), read by the go-live checklist.
BIBDEBITOR_DEBTOR_SETUP_URL = os.environ.get(
    "BIBDEBITOR_DEBTOR_SETUP_URL", "http://127.0.0.1:8001/sf1590/Opsaetning/1"
)
BIBDEBITOR_SF1590_TOKEN = os.environ.get("BIBDEBITOR_SF1590_TOKEN", "")
BIBDEBITOR_TRANSFER_BATCH_SIZE = int(os.environ.get("BIBDEBITOR_TRANSFER_BATCH_SIZE", "500"))
BIBDEBITOR_TRANSFER_RETRY_BASE = float(os.environ.get("BIBDEBITOR_TRANSFER_RETRY_BASE", "2"))
# The service platform's status API, read by the go-live checklist (empty: no platform).
BIBDEBITOR_PLATFORM_URL = os.environ.get("BIBDEBITOR_PLATFORM_URL", "")
BIBDEBITOR_PLATFORM_TOKEN = os.environ.get("BIBDEBITOR_PLATFORM_TOKEN", "")
