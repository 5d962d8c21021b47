"""The debtor clerk's, the citizen's, the guardian's and the librarian's errands, end to end
in Debian's chromium on the demo's landscape (library, service platform, debtor system and
their workers, each its own process): find a claim, place an unplaced payment and see the
coverage reach the library's ledger, open an invoice's PDF from the portal and read its code
line, be refused an overpayment, see a child's claims as guardian, and lift a block on a
receipt until the payment's coverage arrives."""

from __future__ import annotations

import io
import sqlite3
import time

import pytest
from pypdf import PdfReader

from bibdebitor.demo.people import INVOICED_CPRS
from bibdebitor.domain.money import format_kroner
from bibdebitor.domain.payment_codes import code_line

from .demo_walk import Demo, guardian, new_walk, portal_citizen, sign_in_staff

pytestmark = pytest.mark.usefixtures("demo")

OTHER_CREDITOR = "81234567"  # not this municipality's: the bank file cannot place it
LATEST_BLOCK = (
    "SELECT blocked FROM ledger_patronblockevent b WHERE b.patron_id = p.id"
    " ORDER BY id DESC LIMIT 1"
)


def library_db(demo: Demo) -> sqlite3.Connection:
    return sqlite3.connect(demo.root / "library.sqlite3", timeout=20)


def debtor_db(demo: Demo) -> sqlite3.Connection:
    return sqlite3.connect(demo.root / "landscape" / "debtor" / "debtor.sqlite3", timeout=20)


def invoiced_claims(demo: Demo, cpr: str) -> list[tuple[str, int, int]]:
    """(claim id, open øre, invoice id) of the library's open invoiced claims on ``cpr``."""
    sql = """
        SELECT c.claim_id,
               (SELECT sum(e.delta_ore) FROM debtor_claimentry e WHERE e.claim_id = c.id),
               il.invoice_id
        FROM debtor_debtorclaim c
        JOIN debtor_invoiceline il ON il.claim_id = c.id
        JOIN debtor_liability li ON li.account_id = c.account_id
        WHERE c.origin = 'library' AND li.cpr = ?
          AND NOT EXISTS (SELECT 1 FROM debtor_claimentry h
                          WHERE h.claim_id = c.id AND h.kind = 'handed_over')
        ORDER BY c.id
    """
    with debtor_db(demo) as db:
        return [row for row in db.execute(sql, (cpr,)) if row[1] > 0]


def covered_events(demo: Demo, claim_id: str) -> int:
    number = int(claim_id.rpartition("-")[2])
    sql = (
        "SELECT count(*) FROM ledger_claimevent e JOIN ledger_claim c ON c.id = e.claim_id "
        "WHERE c.claim_number = ? AND e.kind = 'covered'"
    )
    with library_db(demo) as db:
        return db.execute(sql, (number,)).fetchone()[0]


def eventually(check, seconds: float = 60.0) -> None:
    """The coverage worker reports within seconds; poll the library's ledger until it has."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the coverage did not reach the library in time"
        time.sleep(0.5)


def someone_else_invoiced(demo: Demo) -> str:
    """A CPR number with an open invoice that is neither the demo citizen's nor the
    guardian's (their errands need their own invoices)."""
    taken = {demo.logins["citizen_cpr"], demo.logins["guardian"].split(" / ")[0]}
    with debtor_db(demo) as db:
        cprs = sorted(cpr for (cpr,) in db.execute(INVOICED_CPRS) if cpr not in taken)
    assert cprs, "the demo left no other open invoice"
    return cprs[0]


def test_the_clerk_finds_a_claim_by_search(demo, chromium):
    claim_id, _open, _invoice = invoiced_claims(demo, demo.logins["citizen_cpr"])[0]
    walk = new_walk(chromium, "errand-clerk-search")
    page = walk.page
    sign_in_staff(walk, demo.origin("debtor_staff_url"), demo.logins["debtor_staff"])
    page.goto(demo.logins["debtor_staff_url"])
    page.locator("#id_quick").fill(claim_id)
    page.locator("#quick-search button[type=submit]").click()
    assert page.locator("#claim-count").inner_text() == "1 fordring"
    page.locator("#claims").get_by_role("link", name=claim_id).click()
    assert page.locator("h1").inner_text() == f"Fordring {claim_id}"
    assert page.locator("#letters li").count() >= 1
    assert page.locator("#claim-facts").inner_text().count("XXXX") == 1, "the CPR is masked"


def test_the_clerk_places_an_unplaced_payment_and_the_library_sees_the_coverage(
    demo, chromium, tmp_path
):
    cpr = someone_else_invoiced(demo)
    claim_id, open_ore, _invoice = invoiced_claims(demo, cpr)[0]
    before = covered_events(demo, claim_id)
    reference = f"E2E-{time.time_ns()}"
    bank_file = tmp_path / "bank.csv"
    amount = format_kroner(open_ore, unit=False)
    line = code_line(424242, OTHER_CREDITOR)
    bank_file.write_text(
        f"dato;beløb;kodelinje;reference\n{time.strftime('%d-%m-%Y')};{amount};{line};{reference}\n",
        encoding="utf-8",
    )
    walk = new_walk(chromium, "errand-clerk-placement")
    page = walk.page
    sign_in_staff(walk, demo.origin("debtor_staff_url"), demo.logins["debtor_staff"])
    page.goto(demo.logins["debtor_staff_url"])
    page.locator("input[type=file]").set_input_files(str(bank_file))
    page.get_by_role("button", name="Indlæs").click()
    assert "1 uplaceret" in page.content()
    page.locator("tr", has_text=reference).get_by_role("link", name="Placér").click()
    page.locator("#id_q").fill(claim_id)
    page.locator("#placement-search button[type=submit]").click()
    page.locator("#candidates").get_by_role("link", name="Kontoen (ældste først)").click()
    allocation = page.locator("#allocation").inner_text()
    assert claim_id in allocation
    assert covered_events(demo, claim_id) == before, "a preview books nothing"
    page.locator("#confirm-placement").click()
    assert "er placeret på konto" in page.content()
    assert reference not in page.locator("main").inner_text(), "no longer unplaced"
    eventually(lambda: covered_events(demo, claim_id) > before)


def test_the_citizen_opens_the_invoice_pdf_and_is_refused_an_overpayment(demo, chromium):
    walk = new_walk(chromium, "errand-portal", width=390)
    page = walk.page
    portal_citizen(walk, demo)
    card = page.locator(".invoice-card").first
    shown_code_line = card.locator(".codeline").inner_text()
    pdf_link = card.get_by_role("link", name="PDF").first.get_attribute("href")
    response = page.request.get(page.url.split("/betalingsoverblik/")[0] + pdf_link)
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert shown_code_line in text
    assert "Opkrævning" in text
    open_text = card.locator(".invoice-open").inner_text()  # "809,00 kr."
    with debtor_db(demo) as db:
        payments = db.execute("SELECT count(*) FROM debtor_payment").fetchone()[0]
    card.get_by_role("link", name="Betal").click()
    page.get_by_label("Betalingskort").check()
    page.get_by_label("Beløb (kr.)").fill("99999")
    page.get_by_label("Kortnummer").fill("4571 0000 0000 0001")
    page.get_by_role("button", name="Betal").click()
    assert f"højst betale {open_text}" in page.content()
    with debtor_db(demo) as db:
        assert db.execute("SELECT count(*) FROM debtor_payment").fetchone()[0] == payments


def test_a_guardian_who_is_no_borrower_sees_the_childs_claims(demo, chromium):
    walk = new_walk(chromium, "errand-guardian", width=390)
    page = walk.page
    guardian(walk, demo)
    assert page.locator("#guardian-intro").is_visible()
    cpr = demo.logins["guardian"].split(" / ")[0]
    sql = (
        "SELECT p.name FROM ledger_patron p JOIN ledger_guardianconsent c ON c.patron_id = p.id "
        "JOIN ledger_guardian g ON g.id = c.guardian_id WHERE g.cpr = ?"
    )
    with library_db(demo) as db:
        children = {name for (name,) in db.execute(sql, (cpr,))}
    rows = page.locator("#on-site tbody tr, #off-site tbody tr").all_inner_texts()
    assert any(name in row for row in rows for name in children), rows


def test_a_blocked_borrower_is_lifted_on_a_receipt_until_the_coverage_arrives(demo, chromium):
    """Seed 003, "Kortlæg arbejdsgange", question 2: the citizen pays the municipality, shows
    the receipt, the library lifts the block by hand; the payment's coverage ends the lift."""
    cpr = demo.logins["citizen_cpr"]
    card = demo.logins["citizen"].split(" / ")[0]
    with library_db(demo) as db:
        (blocked,) = db.execute(
            f"SELECT ({LATEST_BLOCK}) FROM ledger_patron p WHERE p.cpr = ?",  # noqa: S608
            (cpr,),
        ).fetchone()
    assert blocked == 1, "the demo citizen owes more than the agency's block threshold"
    staff = new_walk(chromium, "errand-desk")
    sign_in_staff(staff, demo.origin("staff_url"), demo.logins["library_staff"])
    desk = staff.page
    desk.goto(demo.logins["staff_url"] + "laanere/")
    desk.locator("input[name=kort]").fill(card)
    desk.get_by_role("button", name="Find").click()
    assert "Spærret" in desk.locator("#block-state").inner_text()
    desk.get_by_label("Kvitteringens reference").fill("MobilePay 7731-2290")
    desk.get_by_label("Bemærkning").fill("Betalt til kommunen i dag, kvittering vist i skranken")
    desk.get_by_role("button", name="Løft spærringen").click()
    assert "Løftet på en kvittering" in desk.locator("#block-state").inner_text()
    # The citizen pays the invoice in full in the portal; the coverage ends the lift.
    portal = new_walk(chromium, "errand-portal-pay", width=390)
    portal_citizen(portal, demo)
    invoice = portal.page.locator(".invoice-card").first
    amount = invoice.locator(".invoice-open").inner_text().removesuffix(" kr.")
    invoice.get_by_role("link", name="Betal").click()
    portal.page.get_by_label("MobilePay").check()
    portal.page.get_by_label("Beløb (kr.)").fill(amount)
    portal.page.get_by_label("Mobilnummer").fill("20304050")
    portal.page.get_by_role("button", name="Betal").click()
    assert "Tak." in portal.page.content()

    def lift_over() -> bool:
        desk.reload()
        return "Løftet" not in desk.locator("#block-state").inner_text()

    eventually(lift_over)
