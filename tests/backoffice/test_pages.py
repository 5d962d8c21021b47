"""The back-office pages' figures against the same figures computed another way, on a
generated municipality, and the defects a new user met on them (issue #19)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rich.console import Console

from bibdebitor.backoffice.charts import columns_by_day, horizontal_bars
from bibdebitor.backoffice.checklist import GO_LIVE_OVERRIDE, checklist
from bibdebitor.backoffice.dashboard import dashboard
from bibdebitor.backoffice.models import SettingChange
from bibdebitor.domain.cleansing import Finding, Severity
from bibdebitor.domain.golive import Status, TaskStatus, sign_off_choices, tasks_for
from bibdebitor.domain.money import format_count, format_kroner
from bibdebitor.domain.vendors import Vendor
from bibdebitor.harness.generator import MunicipalitySize, generate_municipality
from bibdebitor.ledger.models import Agency, Claim, ClaimEvent, Patron
from bibdebitor.sortiment.console import print_preview
from bibdebitor.sortiment.cutover import preview
from tests.library_fixtures import with_integration_settings

SIZE = MunicipalitySize(patrons=60, claims=240, years=2)


@pytest.fixture
def two_municipalities(agency):
    other = Agency.objects.create(
        agency_id="746100",
        name="Testby Bibliotekerne",
        cvr="29189129",
        municipality_code="746",
        debtor_vendor=Vendor.PRISME_2015,
    )
    generate_municipality(agency, SIZE, seed=3)
    generate_municipality(other, MunicipalitySize(patrons=25, claims=70, years=1), seed=4)
    return agency, other


def test_the_overview_counts_each_agency_without_multiplying_rows(two_municipalities, login):
    """Defect: patrons and claims were counted over one join (patrons x claims) and the open
    balance subquery ran once per joined row: the start page never answered at real size."""
    client = login("sysadmin")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    figures = {row.agency.agency_id: row for row in response.context["agencies"]}
    for agency in two_municipalities:
        row = figures[agency.agency_id]
        assert row.patrons == Patron.objects.filter(agency=agency).count() > 0
        assert row.claims == Claim.objects.filter(agency=agency).count() > 0
        balances = [
            sum(e.delta_ore for e in claim.events.all())
            for claim in Claim.objects.filter(agency=agency).prefetch_related("events")
        ]
        assert row.open_ore == sum(balances) > 0
        assert format_kroner(row.open_ore) in response.content.decode()
    # Agencies, then one grouped count each of patrons, claims and the journal.
    overview_queries = [q["sql"] for q in queries.captured_queries if "ledger_" in q["sql"]]
    assert len(overview_queries) == 4, overview_queries


def test_data_cleansing_shows_each_findings_real_severity(agency, login):
    """Defect: every finding showed as "til orientering" while the header counted blocking
    ones (the template compared against an enum class it could not read)."""
    generate_municipality(agency, SIZE, seed=5)
    response = login("sysadmin").get(f"/kommuner/{agency.agency_id}/datavask/")
    html = response.content.decode()
    shown = dict(re.findall(r'<span class="badge badge-(\w+) severity">([^<]+)</span>', html))
    assert shown == {"blocking": "blokerende", "warning": "advarsel", "info": "til orientering"}
    rows = response.context["counts"]
    assert [severity for _f, severity, _l, _n in rows] == [f.severity.value for f in Finding]
    blocking = sum(n for f, _s, _l, n in rows if f.severity is Severity.BLOCKING)
    assert response.context["blocking"] == blocking
    assert f'id="blocking-count">{format_count(blocking)}<' in html


def test_a_status_is_never_offered_for_the_status_a_task_already_has():
    """Defect: every task's dropdown preselected a value unrelated to its state."""
    for task in tasks_for(Vendor.KMD_OPUS):
        for status in Status:
            if status is Status.FAILING and task.manual:
                continue
            choices = sign_off_choices(TaskStatus(task, status))
            assert status not in choices
            assert Status.FAILING not in choices
            if not task.manual:
                assert Status.DONE not in choices  # only its check makes it done
    open_manual = TaskStatus(tasks_for(Vendor.KMD_OPUS)[0], Status.OPEN)
    assert sign_off_choices(open_manual) == [Status.DONE, Status.NOT_APPLICABLE]


def test_the_checklist_form_preselects_no_status(agency, login):
    html = login("sysadmin").get(f"/kommuner/{agency.agency_id}/").content.decode()
    selects = re.findall(r'<select[^>]*name="status"[^>]*>(.*?)</select>', html, re.S)
    assert selects
    for options in selects:
        assert re.search(r'<option value="" selected>', options)
        assert options.count("selected") == 1


def test_switching_on_from_the_command_line_obeys_the_checklist(agency, adult):
    """Defect: `integration activate` checked only the dry-run code, so the checklist said
    "go-live: done" while manual tasks and data cleansing were open."""
    with_integration_settings(agency)
    cutoff = "2020-01-01"
    code = preview(agency, dt.date(2020, 1, 1)).fingerprint
    with pytest.raises(CommandError, match="før alle opgaver er udført"):
        call_command(
            "integration",
            f"--agency={agency.agency_id}",
            "activate",
            f"--cutoff={cutoff}",
            f"--code={code}",
        )
    agency.refresh_from_db()
    assert agency.integration_active is False

    call_command(
        "integration",
        f"--agency={agency.agency_id}",
        "--actor=ops",
        "activate",
        f"--cutoff={cutoff}",
        f"--code={code}",
        "--override=Styregruppen besluttede",
    )
    agency.refresh_from_db()
    assert agency.integration_active is True
    journalled = SettingChange.objects.get(agency=agency, field=GO_LIVE_OVERRIDE)
    assert journalled.new_value == "Styregruppen besluttede"
    assert journalled.changed_by == "operator:ops"
    assert "organisation" in journalled.old_value.split(", ")
    go_live = checklist(agency)[-1]
    assert go_live.signed_by == "operator:ops"
    assert "Styregruppen besluttede" in go_live.note
    assert "Etabler organisering" in go_live.note


def test_the_command_line_dry_run_separates_what_moves_from_what_does_not(agency):
    generate_municipality(agency, SIZE, seed=6)
    result = preview(agency, dt.date.today().replace(month=1, day=1))
    console = Console(record=True, width=200)
    print_preview(console, result, with_cleansing=False)
    text = console.export_text()
    moving, _, held_back = text.partition("Overdrages ikke")
    assert "Overdrages" in moving
    assert "I alt" in moving
    assert "I alt" in held_back
    assert "BIB-GEBYR" not in text  # class titles, not keys
    total_line = next(line for line in moving.splitlines() if "I alt" in line)
    assert f"{result.moving_total.count}" in total_line.replace(".", "")
    assert format_kroner(result.moving_total.amount_ore, unit=False) in total_line
    assert "Oprettet før skæringsdatoen" in held_back


def test_charts_write_danish_numbers_and_keep_long_labels_inside():
    """Defects: axis numbers like "40529" and bar labels cut off at the left edge."""
    svg = columns_by_day(["1/12", "2/12"], [("overført", [40_529, 12])], title="t")
    assert "40.529" in svg
    assert ">40529<" not in svg
    label = "erstatningskrav uden anerkendelse, hos debitorsystemet og mere til"
    bars = horizontal_bars([(label, 5), ("kort", 1)], title="t")
    assert 'text-anchor="end"' not in bars
    assert re.search(r'<text x="0" [^>]*>' + re.escape(label), bars)


def test_pages_are_danish_even_when_the_browser_asks_for_english(agency, login):
    client = login("sysadmin")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Overblik" in page
    assert "Overview" not in page
    missing = Client().get("/findes-ikke/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404
    assert "Vi kan ikke finde siden" in missing.content.decode()
    assert "Not Found" not in missing.content.decode()
    admin = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bibliotekets mellemværender" in admin
    assert "Django administration" not in admin


def test_a_form_without_its_csrf_token_gets_the_danish_refusal(agency, login):
    client = login("sysadmin", csrf=True)
    refused = client.post(f"/kommuner/{agency.agency_id}/kvitter/", {"task": "organisation"})
    assert refused.status_code == 403
    assert "Formularen kunne ikke sendes" in refused.content.decode()


def test_the_open_amount_on_the_dashboard_matches_the_journal(two_municipalities, login):
    agency, _other = two_municipalities
    journal = ClaimEvent.objects.filter(claim__agency=agency).aggregate(t=Sum("delta_ore"))["t"]
    assert sum(ore for _label, ore in dashboard(agency).open_by_state) == journal > 0
    html = login("sysadmin").get(f"/dashboard/?agency={agency.agency_id}").content.decode()
    for label, ore in dashboard(agency).open_by_state:
        assert label in html
        assert format_kroner(ore) in html


def test_overview_totals_are_counted_once_a_minute_and_say_when(
    two_municipalities, login, settings
):
    """A million-row journal is summed at most once a minute; the page says when."""
    client = login("sysadmin")
    first = client.get("/")
    assert "Opgjort kl." in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/")
    assert not [q for q in queries.captured_queries if "ledger_claimevent" in q["sql"]]
    assert again.context["as_of"] == first.context["as_of"]
    settings.BIBDEBITOR_FIGURES_SECONDS = 0.01
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert [q for q in queries.captured_queries if "ledger_claimevent" in q["sql"]]


def test_the_cleansing_report_from_plain_rows_matches_each_patron_checked_alone(agency):
    """The report reads raw rows for speed; the same rules over each model instance agree."""
    from bibdebitor.backoffice.cleansing import report
    from bibdebitor.domain.cleansing import Consent, PatronRecord, findings
    from bibdebitor.sortiment.cutover import policy_for

    generate_municipality(agency, SIZE, seed=7)
    policy, today = policy_for(agency, agency.cutoff_date), dt.date.today()
    expected = []
    for patron in Patron.objects.filter(agency=agency).order_by("patron_number"):
        consents = tuple(
            Consent(c.kind, c.effective_on, c.journal_reference)
            for c in patron.consents.order_by("id")
        )
        record = PatronRecord(
            patron.kind,
            patron.name,
            patron.cpr,
            patron.cvr,
            patron.p_number,
            patron.gln,
            patron.birth_date,
            consents,
        )
        if found := findings(record, policy, today):
            expected.append((patron.pk, found))
    assert report(agency, policy, today).rows == expected
    assert expected


def test_the_cleansing_report_is_kept_until_a_patron_record_changes(agency, login):
    """The report is made once and kept: the next page reads no patron row. Fixing a patron
    (a new CPR number), a new patron or a substitute CPR made shows at once on the page and
    in the checklist."""
    from bibdebitor.ledger.services import (
        assign_substitute_cpr,
        change_identifier,
        register_patron,
    )

    agency.substitute_cpr_enabled = False
    agency.save()
    client = login("sysadmin")
    checklist, page = f"/kommuner/{agency.agency_id}/", f"/kommuner/{agency.agency_id}/datavask/"
    nameless = register_patron(agency, patron_number="77", kind="person", name="Uden Cpr")
    assert "1 blokerende fund" in client.get(checklist).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(page)
    assert again.context["blocking"] == 1
    tables = ('FROM "ledger_patron"', 'FROM "ledger_guardianconsent"')
    read_all = [
        q["sql"]
        for q in queries.captured_queries
        if any(table in q["sql"] for table in tables)
        and "MAX(" not in q["sql"]  # is the kept report still right?
        and " IN (" not in q["sql"]  # the patrons shown
    ]
    assert not read_all

    change_identifier(nameless, cpr="0101901230", actor="staff:test")
    assert "blokerende fund" not in client.get(checklist).content.decode()
    assert client.get(page).context["blocking"] == 0

    register_patron(agency, patron_number="78", kind="company", name="Uden Cvr ApS")
    assert client.get(page).context["blocking"] == 1

    born = register_patron(
        agency, patron_number="79", kind="person", name="Ny", birth_date=dt.date(1990, 2, 3)
    )
    shown = client.get(page).context["counts"]
    assert {f: n for f, _s, _l, n in shown}[Finding.PERSON_WITHOUT_CPR] == 1
    agency.substitute_cpr_enabled = True
    agency.save()
    assert {f: n for f, _s, _l, n in client.get(page).context["counts"]}[
        Finding.SUBSTITUTE_WILL_BE_MADE
    ] == 1
    assign_substitute_cpr(born, None)
    assert {f: n for f, _s, _l, n in client.get(page).context["counts"]}[
        Finding.SUBSTITUTE_WILL_BE_MADE
    ] == 0


def test_the_coverage_delay_puts_each_payment_in_its_bucket(agency, adult):
    """Counted by ranges of the payment time per day received; checked against the days
    between payment and receipt counted by hand."""
    from django.utils import timezone

    from bibdebitor.ledger.models import EventKind
    from bibdebitor.ledger.services import NewEvent, append_events, create_claim

    today = timezone.localdate()
    for number, days_late in enumerate((0, 1, 2, 3, 4, 7, 8, 30), start=1):
        claim = create_claim(
            adult,
            claim_number=number,
            kind="late_fee",
            amount_ore=1_000,
            created_on=today - dt.timedelta(days=40),
            due_date=today,
            actor="system:test",
        )
        paid = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=days_late), dt.time(12))
        )
        append_events(
            [NewEvent(claim.pk, EventKind.COVERED, 1_000)], actor="system:d", occurred_at=paid
        )
    assert dict(dashboard(agency).coverage_delay) == {
        "samme dag": 1,
        "1 dag": 1,
        "2–3 dage": 2,
        "4–7 dage": 2,
        "mere end 7 dage": 2,
    }


def test_the_ordering_tasks_give_the_values_to_fill_in_and_the_mapping_hint(login, agency):
    """Seed 003 ("Bestil teknisk systemopsætning – KMD Opus"): "Fagsystemnavn: FBS Cicero",
    "Fagsystemnavn UUID: 91aa26ad-…", "Fagsystem sortiment UUID: 846cf516-…", the two ØiR
    operations, "Startdato er datoen for idriftsættelse"; Fujitsu's entity id and datatype;
    seed 000: "husk at mappe på 'kravtyper' ikke 'PSRM kravtyper'"."""
    agency.debtor_vendor = "kmd_opus"
    agency.planned_go_live = dt.date(2027, 3, 1)
    agency.save()
    client = login("sysadmin")
    page = client.get(f"/kommuner/{agency.agency_id}/").content.decode()
    for value in (
        "FBS Cicero",
        "91aa26ad-cab7-4e83-8230-9bf35a076a55",
        "846cf516-a2f4-4d41-afbc-0cd0c6dddd95",
        "SF1590_B_01A Afsend DækningAfskrivningRegistrering",
        "1. marts 2027",
        "ikke på &quot;PSRM kravtyper&quot;",
    ):
        assert value in page
    agency.debtor_vendor = "prisme_2015"
    agency.save()
    page = client.get(f"/kommuner/{agency.agency_id}/").content.decode()
    assert "http://cicero-fbs.com/service/DaekningAfskrivningRegistreringAfsend/2" in page
    assert "DækningAfskrivningRegistreringAfsend_v1" in page


def test_the_admin_shows_an_outbox_message_without_its_content(agency):
    """The content is the XML the debtor system gets: it holds the liable party's CPR. (No
    staff role sees the outbox; a superuser does, and not that.)"""
    from django.contrib.auth.models import User

    from bibdebitor.transfer.models import OutboxMessage
    from tests.transfer.conftest import adults, claim_for, switch_on

    with_integration_settings(agency)
    switch_on(agency)
    patron = adults(agency, 1)[0]
    claim_for(patron, 7)
    message = OutboxMessage.objects.get()
    assert patron.cpr in message.account_content
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="en-lang-kode-til-test-42"))
    page = client.get(f"/admin/transfer/outboxmessage/{message.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert str(message.event_id) in html
    assert patron.cpr not in html
    assert "DebitorkontoReference" not in html
