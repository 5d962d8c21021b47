import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from bibdebitor.domain.claims import Lifecycle
from bibdebitor.domain.classification import (
    Borrower,
    ClaimFacts,
    Guardianship,
    classify,
)
from bibdebitor.domain.vendors import Vendor
from bibdebitor.harness.generator import MunicipalitySize, generate_municipality
from bibdebitor.ledger import services
from bibdebitor.ledger.models import Claim, ClaimEvent
from bibdebitor.ledger.selectors import claim_state, guardian_on, policy_for
from bibdebitor.sortiment.cutover import preview, preview_from_json

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)


def brute_force(agency, cutoff):
    """Classify every claim the slow, obvious way: ORM objects, the journal folded one claim
    at a time, and the guardian looked up by the ledger's own selector."""
    policy = policy_for(agency, cutoff)
    moving, blocked = Counter(), Counter()
    moving_amount, blocked_amount = Counter(), Counter()
    for claim in Claim.objects.filter(agency=agency).select_related("patron"):
        state = claim_state(claim)
        patron = claim.patron
        guardian = guardian_on(patron, claim.created_on)
        borrower = Borrower(
            patron.kind,
            patron.cpr,
            patron.cvr,
            patron.birth_date,
            (Guardianship(guardian.cpr, claim.created_on, claim.created_on + dt.timedelta(1)),)
            if guardian
            else (),
        )
        facts = ClaimFacts(
            kind=claim.kind,
            created_on=claim.created_on,
            acknowledged=state.acknowledged,
            open_ore=state.open,
            cancelled=state.lifecycle is Lifecycle.CANCELLED,
            transferred=state.is_transferred,
        )
        result = classify(borrower, facts, policy)
        if result.transferable:
            moving[(result.account_type, result.claim_type)] += 1
            moving_amount[(result.account_type, result.claim_type)] += state.open
        for blocker in result.blockers:
            blocked[blocker] += 1
            blocked_amount[blocker] += state.open
    return moving, moving_amount, blocked, blocked_amount


def mess_up_some_claims(agency):
    """Journals beyond 'created': paid, cancelled, reopened, queued, rejected, written down."""
    claims = list(Claim.objects.filter(agency=agency).order_by("pk")[:60])
    for index, claim in enumerate(claims):
        step = index % 6
        if step == 0:
            services.record_coverage(claim, claim.amount_ore, actor="system:t")
        elif step == 1:
            services.cancel(claim, actor="system:t")
        elif step == 2:
            services.cancel(claim, actor="system:t")
            services.reopen(claim, actor="system:t")
        elif step == 3:
            services.record_event(claim, "queued", actor="system:t")
        elif step == 4:
            services.record_event(claim, "queued", actor="system:t")
            services.record_event(claim, "rejected", actor="system:t")
        else:
            services.write_down(claim, 1, actor="system:t")


@pytest.mark.parametrize(
    ("vendor", "substitute"),
    [(Vendor.KMD_OPUS, True), (Vendor.PRISME_2015, True), (Vendor.EG_OS, False)],
)
def test_preview_matches_brute_force(agency, vendor, substitute):
    agency.debtor_vendor, agency.substitute_cpr_enabled = vendor, substitute
    agency.save()
    generate_municipality(agency, MunicipalitySize(patrons=400, claims=1500), seed=7, today=TODAY)
    mess_up_some_claims(agency)
    cutoff = TODAY - dt.timedelta(days=400)
    result = preview(agency, cutoff)
    moving, moving_amount, blocked, blocked_amount = brute_force(agency, cutoff)
    assert {k: t.count for k, t in result.moving.items() if t.count} == dict(moving)
    assert {k: t.amount_ore for k, t in result.moving.items() if t.count} == dict(moving_amount)
    assert {k: t.count for k, t in result.blocked.items() if t.count} == dict(blocked)
    assert {k: t.amount_ore for k, t in result.blocked.items() if t.count} == dict(blocked_amount)
    assert result.moving_total.count + result.blocked_total.count == Claim.objects.count()
    assert sum(moving.values()) > 100
    assert sum(blocked.values()) > 100


def test_preview_writes_nothing(agency):
    generate_municipality(agency, MunicipalitySize(patrons=50, claims=200), seed=3, today=TODAY)
    before = (Claim.objects.count(), ClaimEvent.objects.count())
    preview(agency, TODAY - dt.timedelta(days=100))
    assert (Claim.objects.count(), ClaimEvent.objects.count()) == before


def test_moving_the_cutoff_back_hands_more_over(agency):
    generate_municipality(agency, MunicipalitySize(patrons=100, claims=600), seed=5, today=TODAY)
    counts = [
        preview(agency, TODAY - dt.timedelta(days=d)).moving_total.count for d in (30, 365, 3 * 365)
    ]
    assert counts[0] < counts[1] < counts[2]


def test_patrons_needing_cleansing_are_listed_masked(agency):
    agency.substitute_cpr_enabled = False
    agency.save()
    no_cpr = services.register_patron(
        agency, patron_number="N1", kind="person", name="Uden CPR", birth_date=dt.date(1980, 1, 1)
    )
    company = services.register_patron(agency, patron_number="C1", kind="company", name="Firma")
    adult = services.register_patron(
        agency, patron_number="A1", kind="person", name="Med CPR", cpr="150575-1007"
    )
    for number, patron in enumerate([no_cpr, company, adult], start=1):
        services.create_claim(
            patron,
            claim_number=number,
            kind="late_fee",
            amount_ore=5000,
            created_on=TODAY - dt.timedelta(days=5),
            due_date=TODAY + dt.timedelta(days=25),
            actor="system:t",
        )
    result = preview(agency, TODAY - dt.timedelta(days=30))
    assert [(f.patron_number, sorted(f.needs)) for f in result.findings] == [
        ("C1", ["give_cvr"]),
        ("N1", ["give_cpr"]),
    ]
    assert result.moving_total.count == 1


def test_command_prints_and_exports(agency, tmp_path, capsys):
    generate_municipality(agency, MunicipalitySize(patrons=80, claims=300), seed=9, today=TODAY)
    csv_path, xlsx_path = tmp_path / "p.csv", tmp_path / "p.xlsx"
    call_command(
        "cutover-preview",
        agency="717300",
        cutoff="01-06-2026",
        csv=str(csv_path),
        xlsx=str(xlsx_path),
    )
    total = preview(agency, dt.date(2026, 6, 1)).moving_total
    out = capsys.readouterr().out
    assert f"{total.count} mellemværender" in out
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "Biblioteksgebyr, overskredet lånetid" in text
    book = load_workbook(io.BytesIO(xlsx_path.read_bytes()))
    assert book.sheetnames == ["Overdrages", "Overdrages ikke", "Datavask"]
    moved = book["Overdrages"]
    counted = sum(row[2] for row in moved.iter_rows(min_row=2, values_only=True))
    assert counted == total.count


def test_staff_page_and_download(client, agency):
    generate_municipality(agency, MunicipalitySize(patrons=40, claims=120), seed=2, today=TODAY)
    user = User.objects.create_superuser("chef", password="pw-for-tests")
    url = reverse("cutover-preview")
    assert client.get(url).status_code == 302  # login first
    client.force_login(user)
    assert "Prøvekørsel" in client.get(url).content.decode()
    wanted = {"agency": "717300", "cutoff": "2026-01-01"}
    assert "Ingen prøvekørsel for" in client.get(url, wanted).content.decode()
    made = client.post(url, wanted)
    assert made.status_code == 302
    page = client.get(url, wanted).content.decode()
    assert "Biblioteksgebyrer og erstatninger" in page
    assert "af chef" in page
    bad = client.get(url, {"agency": "717300", "cutoff": "31-02-2026"})
    assert "Indtast en gyldig dato" in bad.content.decode()
    download = client.get(url, {"agency": "717300", "cutoff": "2026-01-01", "format": "xlsx"})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(download.content)).sheetnames[0] == "Overdrages"


def test_staff_without_permission_are_refused(client, agency):
    user = User.objects.create_user("praktikant", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("cutover-preview")).status_code == 403


def test_a_stored_dry_run_reads_back_as_it_was_made(agency):
    """Kept as JSON (at a million claims it takes tens of seconds to make); read back, it is
    the same dry run, down to its code and every finding."""
    from bibdebitor.sortiment.cutover import latest_dry_run, store_dry_run

    generate_municipality(agency, MunicipalitySize(patrons=60, claims=200), seed=4, today=TODAY)
    made = preview(agency, dt.date(2026, 1, 1))
    stored = store_dry_run(agency, dt.date(2026, 1, 1), actor="staff:anne")
    again = preview_from_json(latest_dry_run(agency, dt.date(2026, 1, 1)).result)
    assert stored.code == made.fingerprint == again.fingerprint
    assert again.moving == made.moving
    assert again.blocked == made.blocked
    assert again.findings == made.findings
    assert made.findings
