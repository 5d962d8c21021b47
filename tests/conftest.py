import os
import uuid
from pathlib import Path

import pytest

from bibdebitor.common import clock
from bibdebitor.domain.vendors import Vendor
from bibdebitor.ledger.models import Agency
from bibdebitor.ledger.services import register_patron


def pytest_addoption(parser):
    parser.addoption(
        "--drill-scale",
        type=int,
        default=1,
        help="run the fault drills (tests/robustness) this many times larger",
    )


def with_integration_settings(agency):
    """Every setting the integration needs, with fresh identifiers (not yet switched on)."""
    agency.organisation_uuid = uuid.uuid4()
    agency.debtor_instance_uuid = uuid.uuid4()
    agency.sender_instance_uuid = uuid.uuid4()
    agency.org_unit_uuid = uuid.uuid4()
    agency.substitute_cpr_enabled = True
    agency.save()
    return agency


@pytest.fixture(autouse=True)
def _fresh_figures():
    """Overview totals are kept a minute per process (common/figures.py); each test counts
    its own."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def agency(db):
    return Agency.objects.create(
        agency_id="717300",
        name="Lyngby-Taarbæk Bibliotekerne",
        cvr="29189129",
        municipality_code="173",
        debtor_vendor=Vendor.KMD_OPUS,
    )


@pytest.fixture
def adult(agency):
    return register_patron(
        agency, patron_number="1001", kind="person", name="Søren Ærø", cpr="150575-1007"
    )


@pytest.fixture
def minor(agency):
    """Eleven years old by the library's clock, whatever year the suite runs in."""
    today = clock.today()
    return register_patron(
        agency,
        patron_number="1002",
        kind="person",
        name="Ida Ærø",
        cpr="",
        birth_date=today.replace(year=today.year - 11, day=1),
    )


ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture
def browser(transactional_db, live_server):
    """Debian's chromium, headless, driven by Playwright (``scripts/ensure-chromium`` installs
    it; no browser is ever downloaded). Started after the test database is set up and stopped
    before it is flushed: Playwright's sync API runs an event loop in this thread, and the
    database's set-up and tear-down must not happen under it."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("BIBDEBITOR_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"{executable} is missing: run scripts/ensure-chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot as a test artifact: ``screenshot(page, "name")``."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
