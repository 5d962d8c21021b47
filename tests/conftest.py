"""Fixtures every process's suite shares. The three processes' tests live under ``tests/``:
the library's by default, ``tests/debtor`` with ``--ds=bibdebitor.settings.debtor`` and
``tests/broker`` with ``--ds=bibdebitor.settings.broker``. Each run collects only its own
process's tests, and the library's fixtures load only under the library's settings (they
need its models)."""

import os
from pathlib import Path

import pytest

# pytest-django has set the settings module from --ds (or pyproject) before this is imported.
_OWN_DIRECTORY = {
    "bibdebitor.settings.debtor": "debtor",
    "bibdebitor.settings.broker": "broker",
}.get(os.environ["DJANGO_SETTINGS_MODULE"])
_OTHER_PROCESSES = {"debtor", "broker"} - {_OWN_DIRECTORY}

if _OWN_DIRECTORY is None:
    collect_ignore = sorted(_OTHER_PROCESSES)
    pytest_plugins = ["tests.library_fixtures"]
else:
    collect_ignore = sorted(
        path.name
        for path in Path(__file__).parent.iterdir()
        if path.is_dir() and path.name != _OWN_DIRECTORY
    )


def pytest_addoption(parser):
    parser.addoption(
        "--drill-scale",
        type=int,
        default=1,
        help="run the fault drills (tests/robustness) this many times larger",
    )


@pytest.fixture(autouse=True)
def _fresh_figures():
    """Overview totals are kept a minute per process (common/figures.py); each test counts
    its own."""
    from django.core.cache import cache

    cache.clear()


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
