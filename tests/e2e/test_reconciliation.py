"""Reconciliation over a generated municipality: the ledger (a live library server) and the
reference debtor system (its own process) agree after a clean hand-over; then one fault of
each kind is injected, and reconciliation names exactly those claims with the right cause.
Once the outbox and the coverage worker have caught up, only the real faults remain."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from bibdebitor.domain.classification import ClaimType
from bibdebitor.domain.reconciliation import Cause
from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.harness.generator import MunicipalitySize, generate_municipality
from bibdebitor.ledger.models import Agency, Claim
from bibdebitor.ledger.services import record_coverage, register_patron, write_down
from bibdebitor.transfer.models import (
    CoverageCredential,
    MessageKind,
    MessageState,
    OutboxMessage,
    ReconciliationRun,
)
from bibdebitor.transfer.reconciliation import StatementSource, reconcile
from tests.e2e.debtor_side import bank_file, point_coverage_at, report_coverage
from tests.transfer.conftest import claim_for, configure, drain, sender_for, switch_on

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SIZE = MunicipalitySize(patrons=150, claims=500, years=2)
UNKNOWN_NUMBER = 99_999_999


@pytest.fixture
def debtor(tmp_path):
    process = DebtorProcess(tmp_path / "debtor")
    process.coverage_token = uuid.uuid4().hex
    yield process.start()
    process.stop()


def debtor_sql(debtor, *statements: tuple[str, tuple]) -> None:
    """Change the debtor system's database behind its back (data loss, manual keying)."""
    connection = sqlite3.connect(debtor.data_dir / "debtor.sqlite3", timeout=20)
    with connection:
        for sql, params in statements:
            connection.execute(sql, params)
    connection.close()


def lose_claim_at_debtor(debtor, claim_ref: str) -> None:
    (claim_pk,) = debtor.query("SELECT id FROM debtor_debtorclaim WHERE claim_id = ?", claim_ref)[0]
    debtor_sql(
        debtor,
        ("DELETE FROM debtor_claimentry WHERE claim_id = ?", (claim_pk,)),
        ("DELETE FROM debtor_debtorclaim WHERE id = ?", (claim_pk,)),
    )


def key_claim_at_debtor(debtor, copy_of: str, claim_ref: str) -> None:
    """A claim keyed by hand in the debtor system, under a library claim id never issued."""
    columns = (
        "account_id, origin, claim_type_uuid, payment_type, amount_ore, founded_on, due_date, "
        "last_timely_payment_date, description, received_on, received_at"
    )
    debtor_sql(
        debtor,
        (
            f"INSERT INTO debtor_debtorclaim (claim_id, {columns}) "  # noqa: S608 - fixed names
            f"SELECT ?, {columns} FROM debtor_debtorclaim WHERE claim_id = ?",
            (claim_ref, copy_of),
        ),
        (
            "INSERT INTO debtor_claimentry (claim_id, kind, amount_ore, delta_ore, note, actor, "
            "effective_on, recorded_at) SELECT n.id, e.kind, e.amount_ore, e.delta_ore, "
            "'manuelt oprettet', 'test', e.effective_on, e.recorded_at "
            "FROM debtor_claimentry e JOIN debtor_debtorclaim o ON o.id = e.claim_id "
            "JOIN debtor_debtorclaim n ON n.claim_id = ? "
            "WHERE o.claim_id = ? AND e.kind = 'registered'",
            (claim_ref, copy_of),
        ),
    )


def claims_on_invoice(debtor, invoice: int) -> set[str]:
    rows = debtor.query(
        "SELECT c.claim_id FROM debtor_invoiceline l "
        "JOIN debtor_debtorclaim c ON c.id = l.claim_id WHERE l.invoice_id = ?",
        invoice,
    )
    return {row[0] for row in rows}


def invoice_total(debtor, invoice: int) -> int:
    return debtor.query(
        "SELECT sum(e.delta_ore) FROM debtor_claimentry e "
        "JOIN debtor_invoiceline l ON l.claim_id = e.claim_id WHERE l.invoice_id = ?",
        invoice,
    )[0][0]


def found(run) -> set[tuple[str, str]]:
    return set(run.discrepancies.values_list("claim_ref", "cause"))


def test_reconciliation_finds_exactly_the_injected_faults(
    debtor, live_server, agency, tmp_path, settings
):
    configure(agency, debtor)
    CoverageCredential.objects.create(
        agency=agency,
        token_sha256=hashlib.sha256(debtor.coverage_token.encode()).hexdigest(),
        name="debitorsystem",
    )
    point_coverage_at(debtor, live_server.url)
    payer = register_patron(
        agency, patron_number="X1", kind="person", name="Søren Ærø", cpr="1505751007"
    )
    generate_municipality(agency, SIZE, seed=7)
    switch_on(agency, cutoff=timezone.localdate() - dt.timedelta(days=365 * SIZE.years + 1))
    sender = sender_for(debtor.url, debtor)
    drain(sender)
    source = StatementSource(f"{debtor.base_url}/sf1590/FordringOversigt/1", debtor.token, 100)

    baseline = reconcile(agency, source, actor="system:test")
    assert baseline.error == ""
    assert baseline.library_claims == baseline.debtor_claims > 300
    assert found(baseline) == set()

    def ref(claim: Claim) -> str:
        return f"{agency.agency_id}-{claim.claim_number}"

    accepted = list(
        Claim.objects.filter(agency=agency, outbox__state=MessageState.DONE)
        .filter(outbox__kind=MessageKind.CREATE, amount_ore__gt=2_000)
        .order_by("claim_number")
    )
    expected: set[tuple[str, str]] = set()

    # Rejected: a claim type the debtor's mapping table lacks at the time.
    point_coverage_at(debtor, live_server.url, f"--leave-unmapped={ClaimType.LATE_FEE}")
    refused = claim_for(payer, 1, amount=7_500)
    drain(sender)
    point_coverage_at(debtor, live_server.url)
    expected.add((ref(refused), Cause.REJECTED))

    # Lost in the debtor system, and one it has that the library never sent.
    lost, copied = accepted.pop(), accepted.pop()
    lose_claim_at_debtor(debtor, ref(lost))
    expected.add((ref(lost), Cause.MISSING_AT_DEBTOR))
    unknown_ref = f"{agency.agency_id}-{UNKNOWN_NUMBER}"
    key_claim_at_debtor(debtor, ref(copied), unknown_ref)
    expected.add((unknown_ref, Cause.UNKNOWN_AT_LIBRARY))

    # Paid in full in the bank; the coverage is not reported back yet.
    debtor.manage("clock", "--advance-days=0")
    invoiced = debtor.query("SELECT DISTINCT invoice_id FROM debtor_invoiceline ORDER BY 1")
    paid_invoice = next(
        invoice
        for (invoice,) in invoiced
        if not claims_on_invoice(debtor, invoice) & {ref(copied), unknown_ref}
    )
    paid_refs = claims_on_invoice(debtor, paid_invoice)
    kroner = f"{invoice_total(debtor, paid_invoice) / 100:.2f}".replace(".", ",")
    bank_file(debtor, tmp_path, [("paid", paid_invoice, kroner)])
    expected |= {(claim_ref, Cause.COVERAGE_NOT_RECEIVED) for claim_ref in paid_refs}
    untouched = [c for c in accepted if ref(c) not in paid_refs and c.pk != copied.pk]

    # Cash taken at the library for a claim the debtor system collects.
    cash = untouched.pop()
    record_coverage(cash, 1_000, actor="system:test", reference="kasse")
    expected.add((ref(cash), Cause.AMOUNTS_DIFFER))

    # Changes still in the outbox: a write-down, and a new claim.
    written_down = untouched.pop()
    write_down(written_down, 1_000, actor="system:test")
    fresh = claim_for(payer, 2, amount=4_000)
    expected |= {(ref(written_down), Cause.NOT_SENT), (ref(fresh), Cause.NOT_SENT)}

    # The outbox lost track of a delivered hand-over the ledger records as accepted.
    mismatch = untouched.pop()
    OutboxMessage.objects.filter(claim=mismatch, kind=MessageKind.CREATE).update(
        state=MessageState.REJECTED
    )
    expected.add((ref(mismatch), Cause.OUTBOX_MISMATCH))

    run = reconcile(agency, source, actor="system:test")
    assert found(run) == expected
    assert run.library_claims == baseline.library_claims + 2
    assert run.debtor_claims == baseline.debtor_claims  # one lost, one keyed by hand
    difference = sum(row["difference_ore"] for row in run.totals)
    assert difference == sum(
        (d.library_open_ore or 0) - (d.debtor_open_ore or 0) for d in run.discrepancies.all()
    )

    # The command prints and exports the same run; its CSV names every claim.
    settings.BIBDEBITOR_SF1590_TOKEN = debtor.token
    csv_path = tmp_path / "afstemning.csv"
    with override_settings(BIBDEBITOR_SF1590_STATEMENT_URL=source.url):
        call_command("reconcile", f"--agency={agency.agency_id}", f"--csv={csv_path}")
    exported = csv_path.read_text(encoding="utf-8-sig")
    assert all(claim_ref in exported for claim_ref, _cause in expected)
    assert "Ikke sendt" in exported

    # Once the outbox and the coverage have caught up, only the real faults remain.
    drain(sender)
    assert "sent" in report_coverage(debtor)
    settled = reconcile(agency, source, actor="system:test")
    assert found(settled) == expected - {
        (claim_ref, cause)
        for claim_ref, cause in expected
        if cause in (Cause.NOT_SENT, Cause.COVERAGE_NOT_RECEIVED)
    }


def test_an_unreachable_statement_is_a_failed_run_not_a_clean_one(agency):
    run = reconcile(
        agency, StatementSource("http://127.0.0.1:9/statement", "x"), actor="system:test"
    )
    assert run.error.startswith("ConnectError")
    assert run.discrepancy_count == 0
    assert not run.discrepancies.exists()


def test_an_export_names_exactly_one_agency(agency, tmp_path):
    agency.integration_active = True
    agency.save()
    Agency.objects.create(
        agency_id="799900",
        name="Anden Kommune",
        cvr="29189129",
        municipality_code="999",
        integration_active=True,
    )
    with pytest.raises(CommandError, match="præcis én"):
        call_command("reconcile", f"--csv={tmp_path / 'a.csv'}")
    assert not (tmp_path / "a.csv").exists()
    assert not ReconciliationRun.objects.exists()
