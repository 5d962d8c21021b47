"""The fault drills: the whole landscape (library web + sender, service platform, debtor
system + coverage worker, each its own process; the library's processes on the test database),
a generated municipality handed over while things break, then reconciliation as the proof.
``pytest --drill-scale N`` runs them N times larger."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from bibdebitor.demo.landscape import Landscape, Municipality
from bibdebitor.domain.claims import EventKind
from bibdebitor.harness.generator import MunicipalitySize, generate_municipality
from bibdebitor.ledger.models import ClaimEvent
from bibdebitor.sortiment.cutover import preview
from bibdebitor.transfer.activation import activate
from bibdebitor.transfer.reconciliation import StatementSource, reconcile
from tests.library_fixtures import with_integration_settings

DRILL_ENV = {
    "BIBDEBITOR_LEASE_SECONDS": "3",  # a killed worker's messages are taken up again soon
    "BIBDEBITOR_CALL_READ_TIMEOUT": "2",
}


# What a drill of 500 claims may take for each of its waits; a larger drill in proportion.
SECONDS_PER_SCALE = 240.0


@pytest.fixture
def drill_size(request) -> MunicipalitySize:
    scale = request.config.getoption("--drill-scale")
    return MunicipalitySize(patrons=120 * scale, claims=500 * scale, years=1)


@pytest.fixture
def drill_seconds(request) -> float:
    return SECONDS_PER_SCALE * request.config.getoption("--drill-scale")


def library_database_url() -> str:
    """The test database, for the library's own processes."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def municipality_of(agency) -> Municipality:
    return Municipality(
        agency_id=agency.agency_id,
        name="Drill Kommune",
        cvr=agency.cvr,
        organisation=agency.organisation_uuid,
        instance=agency.debtor_instance_uuid,
        sender=agency.sender_instance_uuid,
    )


def make_landscape(tmp_path, agency, size: MunicipalitySize, **options) -> Landscape:
    """A generated municipality with the integration switched on: its claims in the outbox."""
    with_integration_settings(agency)
    generate_municipality(agency, size, seed=7)
    landscape = Landscape(
        tmp_path / "landscape",
        municipality_of(agency),
        library_data=tmp_path / "library",
        library_env={"DATABASE_URL": library_database_url(), **DRILL_ENV},
        batch_size=25,  # many calls, so the faults meet many of them
        **options,
    )
    landscape.debtor.env_extra.update(DRILL_ENV)
    landscape.start()
    cutoff = timezone.localdate() - dt.timedelta(days=400)
    activate(
        agency,
        cutoff=cutoff,
        preview_code=preview(agency, cutoff).fingerprint,
        actor="system:drill",
    )
    return landscape


def wait_until(condition, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {timeout} s"
        time.sleep(0.2)


def coverage_waiting(landscape) -> int:
    return landscape.debtor.query(
        "SELECT count(*) FROM debtor_coveragemessage WHERE state IN ('pending', 'leased')"
    )[0][0]


def debtor_activity(landscape) -> None:
    """Invoices, then citizens pay (in full and in part) and staff write off."""
    debtor = landscape.debtor
    debtor.manage("clock", "--advance-days=0")
    debtor.manage(
        "simulate",
        f"--instance={debtor.instance}",
        "--pay-full=0.4",
        "--pay-part=0.2",
        "--write-off=0.1",
    )


def assert_nothing_lost_or_duplicated(landscape, agency) -> None:
    """Reconciliation finds nothing, and the totals on both sides agree to the øre."""
    debtor = landscape.debtor
    run = reconcile(
        agency, StatementSource(landscape.statement_url, debtor.token), actor="system:drill"
    )
    assert run.error == ""
    assert run.discrepancy_count == 0
    events = ClaimEvent.objects.filter(claim__agency=agency)
    accepted = events.filter(kind=EventKind.ACCEPTED)
    assert accepted.count() == accepted.values("claim").distinct().count() > 0
    assert run.library_claims == run.debtor_claims == accepted.count()

    (claims, distinct, registered), *_ = debtor.query(
        "SELECT count(*), count(DISTINCT claim_id), sum(amount_ore) FROM debtor_debtorclaim "
        "WHERE origin = 'library'"
    )
    assert claims == distinct == accepted.count()
    handed_over = agency.claims.filter(events__kind=EventKind.ACCEPTED).aggregate(
        total=Sum("amount_ore")
    )["total"]
    assert registered == handed_over

    def at_debtor(kind: str) -> int:
        return debtor.query(
            "SELECT coalesce(-sum(e.delta_ore), 0) FROM debtor_claimentry e "
            "JOIN debtor_debtorclaim c ON c.id = e.claim_id "
            "WHERE c.origin = 'library' AND e.kind = ?",
            kind,
        )[0][0]

    def at_library(kind: EventKind) -> int:
        return abs(events.filter(kind=kind).aggregate(total=Sum("amount_ore"))["total"] or 0)

    paid, written_off = at_debtor("paid"), at_debtor("written_off")
    assert paid > 0
    assert written_off > 0
    assert at_library(EventKind.COVERED) == paid
    assert at_library(EventKind.WRITTEN_OFF) == written_off
