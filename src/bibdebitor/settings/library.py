"""The library side: ledger, sortiment, transfer engine, back-office and citizen pages."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, database

INSTALLED_APPS = [*INSTALLED_APPS, "bibdebitor.ledger", "bibdebitor.sortiment"]

ROOT_URLCONF = "bibdebitor.urls"
WSGI_APPLICATION = "bibdebitor.wsgi.application"
DATABASES = {"default": database("library.sqlite3")}
