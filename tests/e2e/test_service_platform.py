"""Library → service platform → debtor system and back, three real processes' worth: the
library signs its hand-overs, the platform holds them back until the agreement is approved,
then routes them to the municipality's debtor system; the debtor system's coverage comes back
signed the same way."""

from __future__ import annotations

import hashlib
import time
import uuid

import pytest

from bibdebitor.domain.agreements import AgreementState
from bibdebitor.domain.claims import EventKind
from bibdebitor.domain.payment_codes import code_line
from bibdebitor.harness.broker import BrokerProcess
from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.ledger.models import ClaimEvent
from bibdebitor.protocol.signing import write_identity
from bibdebitor.transfer.models import CoverageCredential, MessageState, OutboxMessage
from bibdebitor.transfer.platform import read_status
from tests.transfer.conftest import adults, claim_for, configure, drain, sender_for, switch_on

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REGISTRATION = "DebitorRegistreringAfsend"
COVERAGE = "DaekningAfskrivningRegistreringAfsend"


@pytest.fixture
def processes(tmp_path):
    debtor_identity = write_identity("KMD Opus Debitor", tmp_path / "debtor-id")
    debtor = DebtorProcess(
        tmp_path / "debtor",
        env_extra={
            "BIBDEBITOR_SIGNING_KEY": str(tmp_path / "debtor-id" / "key.pem"),
            "BIBDEBITOR_SIGNING_CERT": str(tmp_path / "debtor-id" / "cert.pem"),
        },
    ).start()
    broker = BrokerProcess(tmp_path / "broker").start()
    yield debtor, debtor_identity, broker
    broker.stop()
    debtor.stop()


def broker_outcomes(broker) -> list[tuple[str, str]]:
    return broker.query("SELECT service, outcome FROM broker_call ORDER BY id")


def checklist_view(agency):
    status = read_status(agency)
    assert status.error == ""
    return {s.service: (s.agreement, s.routed) for s in status.services}, status.ready


def test_hand_over_and_coverage_cross_the_platform_only_under_agreements(
    processes, live_server, agency, tmp_path, settings
):
    debtor, _, broker = processes
    library_identity = write_identity("FBS Cicero", tmp_path / "library-id")
    configure(agency, debtor)
    coverage_token = uuid.uuid4().hex
    CoverageCredential.objects.create(
        agency=agency,
        token_sha256=hashlib.sha256(coverage_token.encode()).hexdigest(),
        name="serviceplatformen",
    )
    org = str(debtor.organisation)
    broker.platform(
        "municipality", "--cvr=29189129", "--name=Test Kommune", f"--organisation={org}"
    )
    broker.system(debtor.sender, "FBS Cicero", tmp_path / "library-id" / "cert.pem")
    broker.system(debtor.instance, "KMD Opus", tmp_path / "debtor-id" / "cert.pem")
    broker.route(org, REGISTRATION, debtor.instance, debtor.url, debtor.token)
    coverage_address = f"{live_server.url}/sf1590/{COVERAGE}/1"
    broker.route(org, COVERAGE, debtor.sender, coverage_address, coverage_token)
    broker.platform("administrator", "--username=aftaleadmin", "--password=en-lang-kode-42")
    hand_over = broker.agreement(debtor.sender, REGISTRATION, org)
    coverage = broker.approved_agreement(debtor.instance, COVERAGE, org, "aftaleadmin")

    settings.BIBDEBITOR_PLATFORM_URL = broker.base_url
    settings.BIBDEBITOR_PLATFORM_TOKEN = broker.platform("status-client", "--name=FBS")
    assert checklist_view(agency) == (
        {
            REGISTRATION: (AgreementState.REQUESTED, True),
            COVERAGE: (AgreementState.APPROVED, True),
        },
        False,
    )

    switch_on(agency)
    claims = [claim_for(p, n, amount=10_000 * n) for n, p in enumerate(adults(agency, 3), 1)]
    sender = sender_for(broker.url(REGISTRATION), debtor, identity=library_identity, token="")

    # Requested but not approved: the platform refuses (403), the sender keeps the claims.
    sender.run_once()
    assert broker_outcomes(broker) == [(REGISTRATION, "serviceaftale_afventer")]
    assert debtor.query("SELECT count(*) FROM debtor_inboundtransaction") == [(0,)]
    assert OutboxMessage.objects.filter(state=MessageState.PENDING).count() == 3

    broker.approve(hand_over, "aftaleadmin")
    drain(sender)
    assert checklist_view(agency)[1] is True
    assert OutboxMessage.objects.filter(state=MessageState.DONE).count() == 3
    assert debtor.query("SELECT count(*) FROM debtor_debtorclaim") == [(3,)]
    assert broker_outcomes(broker)[-1] == (REGISTRATION, "forwarded")

    # A payment in the debtor system comes back, signed by the debtor system, via the platform.
    debtor.set_up(
        f"--coverage-url={broker.url(COVERAGE)}", "--coverage-token=", "--coverage-mode=immediate"
    )
    debtor.manage("clock", "--advance-days=0")
    first, second, _ = (
        row[0]
        for row in debtor.query("SELECT id FROM debtor_document WHERE kind='invoice' ORDER BY id")
    )
    day = debtor.manage("clock").split()[-2]
    bank = tmp_path / "bank.csv"
    bank.write_text(
        f"dato;beløb;kodelinje;reference\n{day};100,00;{code_line(first, '87654321')};b-1",
        encoding="utf-8",
    )
    debtor.manage("bank-file", f"--instance={debtor.instance}", str(bank))
    deadline = time.monotonic() + 30
    while not ClaimEvent.objects.filter(claim__in=claims, kind=EventKind.COVERED).exists():
        assert time.monotonic() < deadline, "the coverage did not arrive"
        debtor.manage("coverage-worker", "--once", "--retry-base=0.05")
    assert (COVERAGE, "forwarded") in broker_outcomes(broker)

    # Revoking the debtor system's agreement stops its next coverage at the platform.
    broker.platform(
        "decide",
        f"--agreement={coverage}",
        "--state=revoked",
        "--by=aftaleadmin",
        "--note=leverandørskift",
    )
    refused_before = broker_outcomes(broker).count((COVERAGE, "serviceaftale_tilbagekaldt"))
    bank.write_text(
        f"dato;beløb;kodelinje;reference\n{day};50,00;{code_line(second, '87654321')};b-2",
        encoding="utf-8",
    )
    debtor.manage("bank-file", f"--instance={debtor.instance}", str(bank))
    debtor.manage("coverage-worker", "--once", "--retry-base=0.05")
    outcomes = broker_outcomes(broker)
    assert checklist_view(agency) == (
        {
            REGISTRATION: (AgreementState.APPROVED, True),
            COVERAGE: (AgreementState.REVOKED, True),
        },
        False,
    )
    assert outcomes.count((COVERAGE, "serviceaftale_tilbagekaldt")) == refused_before + 1
    covered = ClaimEvent.objects.filter(claim__in=claims, kind=EventKind.COVERED)
    assert sum(e.amount_ore for e in covered) == 10_000


def test_the_checklist_says_why_it_cannot_ask_the_platform(agency, settings):
    settings.BIBDEBITOR_PLATFORM_URL = ""
    assert read_status(agency).error == "no_platform"
    settings.BIBDEBITOR_PLATFORM_URL = "http://127.0.0.1:9"
    agency.organisation_uuid = uuid.uuid4()
    assert read_status(agency).error == "unreachable"
    assert read_status(agency).ready is False
