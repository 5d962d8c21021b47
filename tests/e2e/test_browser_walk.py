"""Every page a role reaches by links from its start page, walked in Debian's chromium on the
demo's landscape (library, service platform and debtor system, each its own process, with a
generated municipality handed over): each page answers 200 (or the designed 403/404 page in
the site's layout), loads every stylesheet, script, font and image it asks for, logs no
console error, shows no English UI word and no unmasked CPR number. A screenshot of each page
is kept in test-artifacts/walk/<role>/."""

from __future__ import annotations

import re

import pytest

from .demo_walk import (
    ARTIFACTS,
    Demo,
    check_page,
    citizen,
    crawl,
    guardian,
    new_walk,
    portal_citizen,
    staff_role,
)

ROLES = {
    "system-administrator": staff_role("staff", "staff_url"),
    "library-staff": staff_role("library_staff", "staff_url"),
    "debtor-staff": staff_role("debtor_staff", "debtor_staff_url"),
    "agreement-administrator": staff_role("platform_admin", "platform_admin_url"),
    "citizen": citizen,
    "guardian-citizen": guardian,
    "portal-citizen": portal_citizen,
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_is_a_danish_design_system_page(demo, chromium, role):
    walk = new_walk(chromium, role, width=390 if "citizen" in role else 1280)
    start = ROLES[role](walk, demo)
    assert not re.search(r"log-ind|login", walk.page.url), walk.page.url
    crawl(walk, start, secret_cprs(demo))
    # Staff reach several pages through the menu; a citizen's pages link to few.
    assert len(walk.visited) >= (1 if "citizen" in role else 3), walk.visited
    assert walk.problems == []


def test_an_anonymous_visitor_gets_sign_in_pages_and_the_danish_404(demo, chromium):
    walk = new_walk(chromium, "anonymous")
    cprs = secret_cprs(demo)
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


def secret_cprs(demo: Demo) -> list[str]:
    """The CPR numbers the demo's logins hold: none may show on any page."""
    return [demo.logins[key].split(" / ")[0] for key in ("portal", "guardian")]
