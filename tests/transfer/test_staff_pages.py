"""The staff pages of the transfer engine: the error-task queue with its actions, and the
reconciliation page with its exports — through the real views, logins, CSRF and permissions."""

import io
import re
import uuid

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from bibdebitor.domain.catalogue import CLAIM_TYPE_FACET
from bibdebitor.domain.claims import EventKind, Lifecycle
from bibdebitor.domain.reconciliation import Cause
from bibdebitor.ledger.selectors import claim_state
from bibdebitor.sortiment.models import SortimentClass
from bibdebitor.sortiment.services import replace_class
from bibdebitor.transfer.models import (
    Discrepancy,
    ErrorTask,
    MessageKind,
    OutboxMessage,
    ReconciliationRun,
    Resolution,
)

from .conftest import adults, claim_for, drain, sender_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(live_agency, debtor):
    """Three claims the debtor system refused: their class changed after the mapping was
    made (the same cause as in production when KOMBIT publishes a new class version)."""
    old = SortimentClass.objects.get(
        facet__user_key=CLAIM_TYPE_FACET, user_key="BIB-GEBYR-LAANETID", agency=None
    )
    patron = adults(live_agency, 1)[0]
    replace_class(
        old, title="Biblioteksgebyr (ny)", on=claim_for(patron, 1, days_ago=40).created_on
    )
    claims = [claim_for(patron, n, days_ago=5) for n in (2, 3, 4)]
    drain(sender_for(debtor.url, debtor))
    return [ErrorTask.objects.get(claim=claim) for claim in claims]


def user_with(*codenames: str) -> Client:
    user = User.objects.create_user(f"u{uuid.uuid4().hex[:8]}", password="x", is_staff=True)
    for codename in codenames:
        app, name = codename.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=name)
        )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk():
    return user_with(
        "transfer.view_errortask",
        "transfer.add_errortaskresolution",
        "ledger.add_claimevent",
        "transfer.view_reconciliationrun",
        "transfer.add_reconciliationrun",
    )


def test_the_queue_shows_the_debtors_code_and_a_masked_patron(clerk, rejected):
    page = clerk.get(reverse("tasks")).content.decode()
    assert page.count('class="task"') == 3
    assert "KLASSE_IKKE_MAPPET" in page
    patron = rejected[0].claim.patron
    assert patron.masked_cpr in page
    assert patron.cpr not in page
    filtered = clerk.get(reverse("tasks"), {"code": "UKENDT"}).content.decode()
    assert 'class="task"' not in filtered


def test_retry_hands_the_claim_over_again_once(clerk, rejected):
    task = rejected[0]
    response = clerk.post(reverse("task-action", args=[task.pk]), {"action": "retry"})
    assert response.status_code == 302
    assert task.claim.events.order_by("-seq").first().kind == EventKind.QUEUED
    assert OutboxMessage.objects.filter(claim=task.claim, kind=MessageKind.CREATE).count() == 2
    again = clerk.post(reverse("task-action", args=[task.pk]), {"action": "retry"}, follow=True)
    assert "allerede løst" in again.content.decode()
    assert OutboxMessage.objects.filter(claim=task.claim, kind=MessageKind.CREATE).count() == 2


def test_closing_needs_a_note_and_cancelling_cancels_the_claim(clerk, rejected):
    first, second = rejected[0], rejected[1]
    page = clerk.post(
        reverse("task-action", args=[first.pk]), {"action": "dismiss", "note": " "}, follow=True
    ).content.decode()
    assert "Skriv hvorfor" in page
    assert not ErrorTask.objects.filter(pk=first.pk, resolution__isnull=False).exists()
    clerk.post(
        reverse("task-action", args=[second.pk]),
        {"action": "cancel", "note": "Materialet kom tilbage"},
    )
    assert claim_state(second.claim).lifecycle is Lifecycle.CANCELLED
    assert ErrorTask.objects.get(pk=second.pk).resolution.action == Resolution.CANCELLED


def test_bulk_retry_sends_what_can_be_sent_and_says_what_cannot(clerk, rejected, live_agency):
    inbound = ErrorTask.objects.create(
        agency=live_agency,
        code="UKENDT_FORDRING",
        text="Fordringen findes ikke i biblioteket.",
        transaction_id=uuid.uuid4(),
    )
    ids = [rejected[0].pk, rejected[1].pk, inbound.pk]
    page = clerk.post(reverse("tasks-bulk-retry"), {"tasks": ids}, follow=True).content.decode()
    assert "2 fordringer sendt igen" in page
    assert re.search(rf"1 opgaver kan ikke sendes igen.*{inbound.pk}", page)
    assert ErrorTask.objects.filter(pk__in=ids, resolution__isnull=False).count() == 2


def test_each_page_and_action_checks_its_permission(rejected):
    viewer = user_with("transfer.view_errortask")
    assert viewer.get(reverse("tasks")).status_code == 200
    task = rejected[0]
    refused = viewer.post(reverse("task-action", args=[task.pk]), {"action": "retry"})
    assert refused.status_code == 403
    assert viewer.get(reverse("reconciliation")).status_code == 403
    no_cancel = user_with("transfer.view_errortask", "transfer.add_errortaskresolution")
    page = no_cancel.post(
        reverse("task-action", args=[task.pk]), {"action": "cancel", "note": "x"}, follow=True
    ).content.decode()
    assert "må ikke annullere" in page
    assert claim_state(task.claim).lifecycle is Lifecycle.OPEN
    assert Client().get(reverse("tasks")).status_code == 302  # to the login page


def test_actions_need_the_csrf_token(rejected):
    user = User.objects.create_superuser("chef", password="pw-for-tests")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("task-action", args=[rejected[0].pk]), {"action": "retry"})
    assert response.status_code == 403


@pytest.fixture
def run(agency):
    found = ReconciliationRun.objects.create(
        agency=agency,
        started_at="2026-11-20T02:00:00Z",
        finished_at="2026-11-20T02:00:09Z",
        actor="system:planlagt",
        library_claims=10,
        debtor_claims=9,
        discrepancy_count=2,
        totals=[
            {
                "account_type": "BIB-PERSON",
                "claim_kind": "late_fee",
                "library_claims": 10,
                "library_open_ore": 50_000,
                "debtor_claims": 9,
                "debtor_open_ore": 42_500,
                "difference_ore": 7_500,
            }
        ],
    )
    Discrepancy.objects.bulk_create(
        [
            Discrepancy(
                run=found,
                claim_ref=f"{agency.agency_id}-7",
                cause=Cause.NOT_SENT,
                library_open_ore=5_000,
                library_state="open",
            ),
            Discrepancy(
                run=found,
                claim_ref=f"{agency.agency_id}-8",
                cause=Cause.AMOUNTS_DIFFER,
                library_open_ore=2_500,
                debtor_open_ore=0,
                library_state="open",
                debtor_state="settled",
            ),
        ]
    )
    return found


def test_the_reconciliation_page_lists_causes_and_exports(clerk, run, agency):
    url = reverse("reconciliation")
    page = clerk.get(url, {"agency": agency.agency_id}).content.decode()
    assert "2 afvigelser" in page
    assert f"{agency.agency_id}-7" in page
    assert "Ikke sendt" in page
    only = clerk.get(url, {"agency": agency.agency_id, "cause": "amounts_differ"}).content.decode()
    assert f"{agency.agency_id}-8" in only
    assert f"{agency.agency_id}-7" not in only
    csv = clerk.get(url, {"agency": agency.agency_id, "format": "csv"}).content.decode("utf-8-sig")
    assert "75,00" in csv
    assert f"{agency.agency_id}-8" in csv
    xlsx = clerk.get(url, {"agency": agency.agency_id, "format": "xlsx"})
    sheets = load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert len(sheets) == 2


def test_starting_a_run_against_an_unreachable_debtor_shows_why(clerk, agency, settings):
    settings.BIBDEBITOR_SF1590_STATEMENT_URL = "http://127.0.0.1:9/sf1590/FordringOversigt/1"
    page = clerk.post(
        reverse("reconciliation-start"), {"agency": agency.agency_id}, follow=True
    ).content.decode()
    assert "kunne ikke læses" in page
    assert ReconciliationRun.objects.get(agency=agency).error.startswith("ConnectError")
