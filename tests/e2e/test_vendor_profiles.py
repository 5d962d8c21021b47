"""End to end, per vendor profile: the library (a live Django server on localhost) hands
claims over to the reference debtor system (its own process, own database); the debtor side
invoices, reminds, takes payments through its portal and a bank file, writes off, hands over
to collection, and reports coverage back to the library's coverage service."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid

import httpx
import pytest

from bibdebitor.domain.claims import EventKind, Lifecycle
from bibdebitor.domain.classification import ClaimType
from bibdebitor.domain.payment_codes import code_line, parse_code_line
from bibdebitor.domain.vendors import Vendor
from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.ledger.models import ClaimEvent, PatronBlockEvent
from bibdebitor.ledger.selectors import claim_state
from bibdebitor.ledger.services import register_patron
from bibdebitor.transfer.models import CoverageCredential, InboxMessage
from tests.e2e.debtor_side import (
    CREDITOR,
    bank_file,
    invoice_of,
    point_coverage_at,
    report_coverage,
)
from tests.transfer.conftest import claim_for, configure, drain, sender_for, switch_on

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VENDORS = ["kmd_opus", "prisme_2015", "prisme_2009", "eg_os"]
PORTAL = {"kmd_opus", "prisme_2015"}
STRICT_CPR = {"prisme_2015", "prisme_2009"}  # no substitute CPR without a manual process
MITID_CODE = "123456"
STAFF_PASSWORD = "Ærø-test-1234"  # a throw-away test user on a throw-away database


@pytest.fixture(scope="module", params=VENDORS)
def vendor_debtor(request, tmp_path_factory):
    debtor = DebtorProcess(tmp_path_factory.mktemp(request.param), vendor=request.param)
    debtor.start(f"--leave-unmapped={ClaimType.REPLACEMENT_UNACKNOWLEDGED}")
    debtor.coverage_token = uuid.uuid4().hex
    env_user = {"DJANGO_SUPERUSER_PASSWORD": STAFF_PASSWORD}
    debtor.env_extra = env_user
    yield debtor
    debtor.stop()


def blocked(patron) -> bool:
    latest = PatronBlockEvent.objects.filter(patron=patron).order_by("-id").first()
    return bool(latest and latest.blocked)


def letters(debtor, claim_id: str, kind: str) -> int:
    """How many letters of a kind followed the invoice of a claim."""
    return debtor.query(
        "SELECT count(*) FROM debtor_document WHERE invoice_id = ? AND kind = ?",
        invoice_of(debtor, claim_id),
        kind,
    )[0][0]


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def pay_in_portal(debtor, cpr: str, invoice_id: int, kroner: str) -> httpx.Response:
    base = f"{debtor.base_url}/betalingsoverblik/{debtor.instance}"
    with httpx.Client(follow_redirects=True) as client:
        page = client.get(f"{base}/log-ind/").text
        client.post(
            f"{base}/log-ind/",
            data={"cpr": cpr, "code": MITID_CODE, "csrfmiddlewaretoken": csrf(page)},
        )
        page = client.get(f"{base}/betal/{invoice_id}/").text
        return client.post(
            f"{base}/betal/{invoice_id}/",
            data={
                "method": "mobilepay",
                "amount": kroner,
                "phone": "20304050",
                "csrfmiddlewaretoken": csrf(page),
            },
        )


def write_off_as_staff(debtor, claim_id: str, kroner: str) -> None:
    debtor.manage("createsuperuser", "--noinput", "--username=sagsbehandler", "--email=s@k.dk")
    with httpx.Client(base_url=debtor.base_url, follow_redirects=True) as client:
        page = client.get("/admin/login/").text
        client.post(
            "/admin/login/",
            data={
                "username": "sagsbehandler",
                "password": STAFF_PASSWORD,
                "csrfmiddlewaretoken": csrf(page),
            },
        )
        url = f"/sagsbehandler/{debtor.instance}/fordring/{claim_id}/"
        page = client.get(url).text
        response = client.post(
            url,
            data={"amount": kroner, "reason": "Uerholdeligt", "csrfmiddlewaretoken": csrf(page)},
        )
        assert response.status_code == 200
        assert 'id="open">0,00' in response.text


def test_a_year_in_the_life_of_a_municipality(vendor_debtor, live_server, agency, tmp_path):
    debtor = vendor_debtor
    vendor = debtor.vendor
    configure(agency, debtor)
    # The library believes the vendor is lenient, so the debtor system's own rules are what
    # stops a substitute CPR; a CPR without modulus 11 is valid (since 2007) everywhere.
    agency.debtor_vendor = Vendor.KMD_OPUS
    agency.save()
    CoverageCredential.objects.create(
        agency=agency,
        token_sha256=hashlib.sha256(debtor.coverage_token.encode()).hexdigest(),
        name=f"{vendor} debitorsystem",
    )
    point_coverage_at(
        debtor, live_server.url, f"--leave-unmapped={ClaimType.REPLACEMENT_UNACKNOWLEDGED}"
    )

    def person(number: str, cpr: str = "", birth: dt.date | None = None):
        return register_patron(
            agency,
            patron_number=number,
            kind="person",
            name=f"Låner {number}",
            cpr=cpr,
            birth_date=birth,
        )

    payer = person("A", "1505751007")
    banker = person("B", "0707614285")
    collected = person("D", "2110625629")
    child = person("C", "0102154002")
    no_cpr = person("S", birth=dt.date(1980, 3, 4))
    no_mod11 = person("M", "0101651234")  # issued without modulus-11 control
    switch_on(agency)
    claims = {
        "A": claim_for(payer, 1, amount=20_000),
        "B": claim_for(banker, 2, amount=25_000),
        "D": claim_for(collected, 3, amount=30_000),
        "C": claim_for(child, 4, amount=25_000),
        "S": claim_for(no_cpr, 5, amount=12_000),
        "M": claim_for(no_mod11, 6, amount=12_000),
        "U": claim_for(payer, 7, amount=40_000, kind="replacement"),  # unacknowledged: unmapped
    }
    assert blocked(banker)

    drain(sender_for(debtor.url, debtor))
    states = {key: claim_state(claim) for key, claim in claims.items()}
    expect_rejected = {"U"} | ({"S"} if vendor in STRICT_CPR else set())
    rejected = {key for key, state in states.items() if state.transfer.value == "rejected"}
    assert rejected == expect_rejected
    tasks = {t.code for t in agency.error_tasks.all()}
    assert "KLASSE_IKKE_MAPPET" in tasks
    if vendor in STRICT_CPR:
        assert "ERSTATNINGSCPR_AFVIST" in tasks
    assert "MODULUS11_AFVIST" not in tasks

    # Day 0: invoices, each with a valid FI code line.
    debtor.manage("clock", "--advance-days=0")
    ids = {key: f"{agency.agency_id}-{claim.claim_number}" for key, claim in claims.items()}
    for key in ("A", "B", "C", "D"):
        invoice = invoice_of(debtor, ids[key])
        line = parse_code_line(str(code_line(invoice, CREDITOR)))
        assert line.reference == invoice

    # A pays part in the portal where the vendor has one; otherwise there is none.
    invoice_a = invoice_of(debtor, ids["A"])
    if vendor in PORTAL:
        response = pay_in_portal(debtor, "1505751007", invoice_a, "80,00")
        assert "80,00" in response.text
    else:
        assert (
            httpx.get(f"{debtor.base_url}/betalingsoverblik/{debtor.instance}/").status_code == 404
        )
        bank_file(debtor, tmp_path, [("A", invoice_a, "80,00")])
    # B pays everything in the bank with the code line.
    invoice_b = invoice_of(debtor, ids["B"])
    bank_file(debtor, tmp_path, [("B", invoice_b, "250,00")])
    assert "sent" in report_coverage(debtor)
    assert claim_state(claims["A"]).open == 12_000
    assert claim_state(claims["B"]).lifecycle is Lifecycle.SETTLED
    assert not blocked(banker), "a patron who pays is unblocked when coverage arrives"

    # Staff write off the rest of A's claim.
    write_off_as_staff(debtor, ids["A"], "120,00")
    report_coverage(debtor)
    state_a = claim_state(claims["A"])
    assert (state_a.open, state_a.covered, state_a.written_off) == (0, 8_000, 12_000)

    # Months pass: reminders with fees, then hand-over — but never the child's.
    debtor.manage("clock", "--advance-days=80")
    assert letters(debtor, ids["D"], "reminder") == 3
    assert letters(debtor, ids["D"], "hand_over") == 1
    assert letters(debtor, ids["C"], "reminder") == 3
    assert letters(debtor, ids["C"], "hand_over") == 0
    assert letters(debtor, ids["A"], "reminder") == 0

    # Coverage came back over the wire, once per registration.
    covered = ClaimEvent.objects.filter(claim__agency=agency, kind=EventKind.COVERED)
    assert sorted(e.amount_ore for e in covered) == [8_000, 25_000]
    assert InboxMessage.objects.filter(agency=agency).exists()
