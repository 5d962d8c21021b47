"""A citizen in a real browser (Debian's chromium, headless, JavaScript switched off, a phone's
screen): signs in, sees both groups with the right totals and texts, pays what the library
collects, and sees it gone. Screenshots are kept in test-artifacts/."""

import pytest

from bibdebitor.ledger.selectors import claim_state

from .conftest import CPR, PIN

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def test_a_citizen_signs_in_sees_both_groups_and_pays(
    browser, live_server, citizen, agency, screenshot
):
    _patron, claims = citizen
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="da-DK")
    page = context.new_page()
    page.goto(f"{live_server.url}/borger/{agency.agency_id}/")
    page.get_by_label("Lånernummer eller CPR-nummer").fill(CPR)
    page.get_by_label("Pinkode").fill(PIN)
    page.get_by_role("button", name="Log på").click()

    assert page.locator("#on-site-total").inner_text() == "180,50 kr."
    assert page.locator("#off-site-total").inner_text() == "290,00 kr."
    cutoff = f"{agency.cutoff_date.day}. "
    assert cutoff in page.locator("#intro").inner_text()
    assert "+73< +86836084<" in page.locator("#on-site").inner_text()
    assert page.get_by_role("link", name="Mit Betalingsoverblik").count() == 1
    assert "Ida Ærø" in page.locator("#on-site").inner_text()
    assert CPR not in page.content()
    screenshot(page, "before")

    page.get_by_role("link", name="Betal nu").click()
    page.get_by_label("MobilePay").check()
    page.get_by_label("Mobilnummer").fill("20304050")
    page.get_by_role("button", name="Betal").click()

    assert "180,50 kr. er betalt" in page.locator(".messages").inner_text()
    assert page.locator("#on-site-total").inner_text() == "0,00 kr."
    assert "Intet at betale." in page.locator("#on-site").inner_text()
    assert page.locator("#off-site-total").inner_text() == "290,00 kr."
    assert claim_state(claims["old_fee"]).open == 0
    screenshot(page, "after")
    context.close()
