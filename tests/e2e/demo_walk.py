"""The demo's landscape seen through Debian's chromium: the running demo and its logins, a walk
(one role's browser tab, with what went wrong on its pages), signing in as each role."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "walk"
MAX_PAGES = 40  # per role: enough for every kind of page, bounded however many rows link
# Words of English UI text that are not also Danish words (whole words, any case).
ENGLISH = re.compile(
    r"\b(the|and|with|your|you|sign in|sign out|log out|save|show|next|previous|"
    r"amount|error|claims|page|none|nothing|submit|search|found|created|patrons|state|"
    r"done|open|choose|download|back|home|view|history|decision|yes)\b",
    re.IGNORECASE,
)
DASHED_CPR = re.compile(r"\b[0-3]\d[01]\d\d\d-\d{4}\b")
# Downloads (exports, letters' PDFs), signing out, and Django's admin (its own design, in
# Danish) are not walked.
SKIPPED_LINK = re.compile(r"[?&]format=|/admin/|/log-ud/|/pdf/")


@dataclass
class Demo:
    root: Path
    logins: dict[str, str]
    env: dict[str, str]

    def origin(self, key: str) -> str:
        parts = urlsplit(self.logins[key])
        return f"{parts.scheme}://{parts.netloc}"


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
    # A designed 403/404 page logs its own status as a console error: only others count,
    # and every refusal by the Content-Security-Policy (an inline script or style).
    page.on(
        "console",
        lambda m: (
            walk.console_errors.append(m.text)
            if m.type == "error"
            and (m.location.get("url") != page.url or "Content Security Policy" in m.text)
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
    if "kr.." in text:
        walk.problems.append(f"{where}: an amount followed by a full stop (kr..)")
    if page.locator("select option", has_text="---------").count():
        walk.problems.append(f"{where}: a choice list without words ('---------')")
    # DKFDS sets an alert's text off for its icon: without one, a blank stripe shows.
    if page.locator(".alert:not(:has(.alert-icon))").count():
        walk.problems.append(f"{where}: an alert without its icon")
    if page.locator(".back-link:not(:has(.icon-svg))").count():
        walk.problems.append(f"{where}: a back link without its arrow")
    # Wide tables scroll in their own box; the page itself never scrolls sideways.
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
        walk.problems.append(f"{where}: wider than the screen")
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
        # One page per kind: a claim, a letter, a patron … (segments with digits are ids).
        path = re.sub(r"[^/]*\d[^/]*", "#", parts.path)
        shape = (path, tuple(sorted(k.split("=")[0] for k in parts.query.split("&") if k)))
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


def guardian(walk: Walk, demo: Demo) -> str:
    """A guardian who is no borrower: CPR number and PIN on the citizen page."""
    cpr, pin = demo.logins["guardian"].split(" / ")
    walk.page.goto(demo.logins["guardian_url"] + "log-ind/")
    walk.page.get_by_label("Lånernummer eller CPR-nummer").fill(cpr)
    walk.page.get_by_label("Pinkode").fill(pin)
    walk.page.get_by_role("button", name="Log på").click()
    return demo.logins["guardian_url"]


def portal_citizen(walk: Walk, demo: Demo) -> str:
    walk.page.goto(demo.logins["portal_url"])
    walk.page.locator("input[name=cpr]").fill(demo.logins["citizen_cpr"])
    walk.page.locator("input[name=code]").fill(demo.logins["mitid_code"])
    walk.page.get_by_role("button", name="Log på").click()
    return walk.page.url
