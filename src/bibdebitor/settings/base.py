"""Settings shared by every bibdebitor process. Environment variables configure deployments:

``DATABASE_URL``           PostgreSQL in production (default: an SQLite file in the data dir);
                           the debtor side reads ``BIBDEBITOR_DEBTOR_DATABASE_URL`` instead
``BIBDEBITOR_DATA_DIR``    where SQLite files and the generated secret key live (default ./var)
``DJANGO_SECRET_KEY``      the secret key (default: generated once and kept in the data dir)
``BIBDEBITOR_DEBUG``       "1" for development
``BIBDEBITOR_ALLOWED_HOSTS`` comma-separated host names
``BIBDEBITOR_SIGNING_KEY``, ``BIBDEBITOR_SIGNING_CERT``  PEM files this process signs SF1590
                           calls with (the service platform checks them)
``BIBDEBITOR_CALL_READ_TIMEOUT``, ``BIBDEBITOR_LEASE_SECONDS``  outgoing calls' answer timeout
                           and the sending workers' lease (defaults 60 and 300 seconds)
``BIBDEBITOR_FIGURES_SECONDS`` how old overview totals summed over a whole journal may be (60)
``BIBDEBITOR_STATIC_ROOT``  where ``collectstatic`` puts the static files (default var/static)
``BIBDEBITOR_METRICS_TOKEN`` the bearer token ``/metrics`` asks for (unset: no metrics)
``BIBDEBITOR_WORKER_STALE_SECONDS`` how long a worker may go without a heartbeat before
                           ``/readyz`` fails (default 180: longer than a call may take)
``BIBDEBITOR_LOG_FORMAT``   "json" for one JSON object per log line (default: plain text)
``BIBDEBITOR_TRUSTED_PROXY`` the reverse proxy's address: its X-Forwarded-For names the client
``BIBDEBITOR_TLS``          "1" in production: served over HTTPS by a proxy in front that sets
                           ``X-Forwarded-Proto`` (secure cookies, HSTS, redirect to HTTPS)
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext

# The generic Django classes (admin.ModelAdmin[Model], forms.ModelForm[Model], ...) the type
# checker wants their model named on are made subscriptable at run time as well.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The checkout (an editable install): node_modules/ and the collected static files live here.
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("BIBDEBITOR_DATA_DIR", Path.cwd() / "var")).resolve()


def _secret_key() -> str:
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database(
    default_sqlite_name: str, url_variable: str = "DATABASE_URL"
) -> dj_database_url.DBConfig:
    """The database named by ``url_variable`` or an SQLite file tuned for one writer and many
    readers."""
    url = os.environ.get(url_variable)
    if url and not url.startswith("sqlite:"):
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    name = dj_database_url.parse(url)["NAME"] if url else str(DATA_DIR / default_sqlite_name)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "CONN_MAX_AGE": 60,  # opening a connection costs more than a fees API answer
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": str(DATA_DIR / f"test_{default_sqlite_name}")},
    }


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("BIBDEBITOR_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("BIBDEBITOR_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "bibdebitor",  # commands both sides share (serve)
    "bibdebitor.common",  # sign-in attempts and lock-outs, in every process
    "axes",  # staff sign-in lock-out
    "csp",  # its system checks of the Content-Security-Policy settings
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, overridden by ours for the design system
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bibdebitor.common.middleware.refuse_nul_characters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bibdebitor.common.context.site",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Danish only: the message ids are English, but a browser asking for English must still get
# the Danish pages a municipality's staff and citizens are meant to see.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# Static files: Det Fælles Designsystem from npm (``npm ci``) and our own, collected by
# ``collectstatic`` (the Makefile does both) and served by every process with WhiteNoise.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("BIBDEBITOR_STATIC_ROOT", PROJECT_DIR / "var" / "static"))
STATICFILES_DIRS = [("dkfds", PROJECT_DIR / "node_modules" / "dkfds" / "dist")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Forms render with the design system's markup (templates/django/forms/…, templates/dkfds/…).
FORM_RENDERER = "bibdebitor.common.forms.DesignSystemRenderer"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# This process's signing identity for SF1590 calls (PEM files; made by ``make-identity``).
# Without one, calls are sent unsigned (a direct set-up without the service platform).
BIBDEBITOR_SIGNING_KEY = os.environ.get("BIBDEBITOR_SIGNING_KEY", "")
BIBDEBITOR_SIGNING_CERT = os.environ.get("BIBDEBITOR_SIGNING_CERT", "")
# How long an outgoing SF1590 call waits for its answer, and how long a worker holds the
# messages it is sending (a crashed worker's messages are taken up again after that).
BIBDEBITOR_CALL_READ_TIMEOUT = float(os.environ.get("BIBDEBITOR_CALL_READ_TIMEOUT", "60"))
BIBDEBITOR_LEASE_SECONDS = float(os.environ.get("BIBDEBITOR_LEASE_SECONDS", "300"))
# How old the overview totals summed over a whole journal may be (common/figures.py).
BIBDEBITOR_FIGURES_SECONDS = float(os.environ.get("BIBDEBITOR_FIGURES_SECONDS", "60"))

# Operations (common/operations.py): the workers /readyz waits for and the metrics' source
# are each process's own settings.
BIBDEBITOR_METRICS_TOKEN = os.environ.get("BIBDEBITOR_METRICS_TOKEN", "")
BIBDEBITOR_WORKER_STALE_SECONDS = float(os.environ.get("BIBDEBITOR_WORKER_STALE_SECONDS", "180"))
BIBDEBITOR_READY_WORKERS: list[str] = []

# Staff sign-in (all three processes): after 5 wrong passwords for a username, or from an
# address, locked for 15 minutes (django-axes); citizens' secrets: common/throttle.py.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "layout/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "bibdebitor.common.web.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Staff sessions end after 8 hours without a request; citizens' end when the browser closes
# and after 30 minutes without a request (common/sessions.py).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True

# Behind TLS (production): cookies only over HTTPS, HSTS for a year, plain HTTP redirected —
# except the probes a load balancer or Prometheus make on the inside.
BIBDEBITOR_TLS = os.environ.get("BIBDEBITOR_TLS") == "1"
BIBDEBITOR_TRUSTED_PROXY = os.environ.get("BIBDEBITOR_TRUSTED_PROXY", "")
if BIBDEBITOR_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Every page's own files only: no inline script or style, no other origin, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # the design system's icons are data: URIs in its CSS
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_cpr": {"()": "bibdebitor.common.logfilters.RedactCprFilter"}},
    "formatters": {
        "plain": {
            "()": "bibdebitor.common.logfilters.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "bibdebitor.common.logfilters.JsonLinesFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_cpr"],
            "formatter": "json" if os.environ.get("BIBDEBITOR_LOG_FORMAT") == "json" else "plain",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("BIBDEBITOR_LOG_LEVEL", "INFO")},
    # One line per HTTP call is the archive's job (Delivery, CoverageDelivery), not the log's.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
