"""Every page a role reaches by links from its start page, walked in Debian's chromium on the
demo's landscape (library, service platform and debtor system, each its own process, with a
generated municipality handed over): each page answers 200 (or the designed 403/404 page in
the site's layout), loads every stylesheet, script, font and image it asks for, logs no
console error, shows no English UI word and no unmasked CPR number. A screenshot of each page
is kept in test-artifacts/walk/<role>/."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from bibdebitor.backoffice.roles import LIBRARY_STAFF
from bibdebitor.processes import cli, free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "walk"
LIBRARY = cli("main")
MAX_PAGES = 40  # per role: enough for every kind of page, bounded however many rows link
# Words of English UI text that are not also Danish words (whole words, any case).
ENGLISH = re.compile(
    r"\b(the|and|with|your|you|sign in|sign out|log out|save|show|next|previous|"
    r"amount|error|claims|page|none|nothing|submit|search|found|created|patrons|state|"
    r"done|open|choose|download|back|home|view|history|decision|yes)\b",
    re.IGNORECASE,
)
DASHED_CPR = re.compile(r"\b[0-3]\d[01]\d\d\d-\d{4}\b")
# Downloads, signing out, and Django's admin (its own design, in Danish) are not walked.
SKIPPED_LINK = re.compile(r"[?&]format=|/admin/|/log-ud/")


@dataclass
class Demo:
    root: Path
    logins: dict[str, str]
    env: dict[str, str]

    def origin(self, key: str) -> str:
        parts = urlsplit(self.logins[key])
        return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Demo]:
    """``bibdebitor demo --size tiny`` serving on free ports, as a newcomer starts it."""
    root = tmp_path_factory.mktemp("walk")
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["BIBDEBITOR_DATA_DIR"] = str(root)
    subprocess.run([*LIBRARY, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    log = (root / "demo.log").open("w")
    process = subprocess.Popen(
        [*LIBRARY, "demo", "--size=tiny", f"--addr=127.0.0.1:{free_port()}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 600
        while "Kører. Tryk Ctrl-C" not in (root / "demo.log").read_text():
            assert process.poll() is None, (root / "demo.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the demo did not start serving in 600 s"
            time.sleep(1)
        logins_file = root / "landscape" / "LOGINS.txt"
        logins = dict(line.split(": ", 1) for line in logins_file.read_text().splitlines())
        password = "bibliotekar-walk-2026"
        subprocess.run(
            [
                *LIBRARY,
                "staff-user",
                "--username=bibliotekar",
                f"--password={password}",
                f"--role={LIBRARY_STAFF}",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        logins["library_staff"] = f"bibliotekar / {password}"
        yield Demo(root, logins, env)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("BIBDEBITOR_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"{executable} is missing: run scripts/ensure-chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@dataclass
class Walk:
    role: str
    page: object
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def new_walk(chromium, role: str, width: int = 1280) -> Walk:
    context = chromium.new_context(locale="da-DK", viewport={"width": width, "height": 900})
    page = context.new_page()
    walk = Walk(role, page)
    page.on(
        "response",
        lambda r: (
            walk.failed_requests.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    # A designed 403/404 page logs its own status as a console error: only others count.
    page.on(
        "console",
        lambda m: (
            walk.console_errors.append(m.text)
            if m.type == "error" and m.location.get("url") != page.url
            else None
        ),
    )
    return walk


def check_page(walk: Walk, url: str, status: int, secret_cprs: list[str]) -> None:
    page = walk.page
    where = f"{walk.role} {url}"
    if status not in (200, 403, 404):
        walk.problems.append(f"{where}: HTTP {status}")
    if status != 200 and page.locator("header.header").count() == 0:
        walk.problems.append(f"{where}: the {status} page is not in the site's layout")
    if page.locator('link[rel="stylesheet"][href*="dkfds"]').count() != 1:
        walk.problems.append(f"{where}: not on Det Fælles Designsystem")
    text = page.evaluate("document.body.innerText")
    for word in sorted({m.group(0).lower() for m in ENGLISH.finditer(text)}):
        walk.problems.append(f"{where}: English UI word {word!r}")
    if DASHED_CPR.search(text) or any(cpr in text for cpr in secret_cprs):
        walk.problems.append(f"{where}: an unmasked CPR number")
    if walk.failed_requests:
        walk.problems.append(f"{where}: failed requests {walk.failed_requests}")
        walk.failed_requests.clear()
    if walk.console_errors:
        walk.problems.append(f"{where}: console errors {walk.console_errors}")
        walk.console_errors.clear()


def crawl(walk: Walk, start: str, secret_cprs: list[str]) -> None:
    """Breadth first from ``start`` over links to the same process (downloads, sign-out and
    the admin's inner pages left out), one page per path and query shape."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    queue, seen = [start], set()
    folder = ARTIFACTS / walk.role
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    while queue and len(walk.visited) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        shape = (parts.path, tuple(sorted(k.split("=")[0] for k in parts.query.split("&") if k)))
        if shape in seen:
            continue
        seen.add(shape)
        response = walk.page.goto(url)
        walk.visited.append(url)
        check_page(walk, url, response.status if response else 0, secret_cprs)
        slug = re.sub(r"[^a-z0-9]+", "-", parts.path.lower()).strip("-") or "start"
        walk.page.screenshot(path=str(folder / f"{len(walk.visited):02d}-{slug}.png"))
        hrefs = walk.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            target = urljoin(url, href).split("#")[0]
            if target.startswith(origin) and not SKIPPED_LINK.search(target):
                queue.append(target)


def sign_in_staff(walk: Walk, origin: str, login: str) -> None:
    username, password = login.split(" / ")
    walk.page.goto(f"{origin}/admin/login/?next=/")
    walk.page.get_by_label("Brugernavn").fill(username)
    walk.page.get_by_label("Adgangskode").fill(password)
    walk.page.get_by_role("button", name="Log på").click()


def staff_role(login_key: str, url_key: str) -> Callable[[Walk, Demo], str]:
    def sign_in(walk: Walk, demo: Demo) -> str:
        sign_in_staff(walk, demo.origin(url_key), demo.logins[login_key])
        return demo.origin(url_key) + "/"

    return sign_in


def citizen(walk: Walk, demo: Demo) -> str:
    card, pin = demo.logins["citizen"].split(" / ")
    walk.page.goto(demo.logins["citizen_url"] + "log-ind/")
    walk.page.get_by_label("Lånernummer eller CPR-nummer").fill(card)
    walk.page.get_by_label("Pinkode").fill(pin)
    walk.page.get_by_role("button", name="Log på").click()
    return demo.logins["citizen_url"]


def portal_citizen(walk: Walk, demo: Demo) -> str:
    walk.page.goto(demo.logins["portal_url"])
    walk.page.locator("input[name=cpr]").fill(demo.logins["citizen_cpr"])
    walk.page.locator("input[name=code]").fill(demo.logins["mitid_code"])
    walk.page.get_by_role("button", name="Log på").click()
    return walk.page.url


ROLES = {
    "system-administrator": staff_role("staff", "staff_url"),
    "library-staff": staff_role("library_staff", "staff_url"),
    "debtor-staff": staff_role("debtor_staff", "debtor_staff_url"),
    "agreement-administrator": staff_role("platform_admin", "platform_admin_url"),
    "citizen": citizen,
    "portal-citizen": portal_citizen,
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_is_a_danish_design_system_page(demo, chromium, role):
    walk = new_walk(chromium, role, width=390 if "citizen" in role else 1280)
    start = ROLES[role](walk, demo)
    assert not re.search(r"log-ind|login", walk.page.url), walk.page.url
    crawl(walk, start, [demo.logins["citizen_cpr"]])
    # Staff reach several pages through the menu; a citizen's pages link to few.
    assert len(walk.visited) >= (1 if "citizen" in role else 4), walk.visited
    assert walk.problems == []


def test_an_anonymous_visitor_gets_sign_in_pages_and_the_danish_404(demo, chromium):
    walk = new_walk(chromium, "anonymous")
    cprs = [demo.logins["citizen_cpr"]]
    for key in ("staff_url", "platform_admin_url", "debtor_staff_url"):
        response = walk.page.goto(demo.origin(key) + "/")
        assert "/admin/login/" in walk.page.url
        check_page(walk, walk.page.url, response.status, cprs)
        response = walk.page.goto(demo.origin(key) + "/findes-ikke/")
        assert response.status == 404
        assert "Vi kan ikke finde siden" in walk.page.content()
        check_page(walk, walk.page.url, response.status, cprs)
    for key in ("citizen_url", "portal_url"):
        response = walk.page.goto(demo.logins[key])
        check_page(walk, walk.page.url, response.status, cprs)
    (ARTIFACTS / "anonymous").mkdir(parents=True, exist_ok=True)
    walk.page.screenshot(path=str(ARTIFACTS / "anonymous" / "portal-sign-in.png"))
    assert walk.problems == []
