"""Coverage from the debtor system reaches the library exactly once through errors, lost
answers and dropped connections (the same guarantees as the hand-over)."""

from __future__ import annotations

import hashlib
import time
import uuid
from urllib.parse import urlsplit

import pytest

from bibdebitor.domain.claims import EventKind
from bibdebitor.domain.payment_codes import code_line
from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.harness.faults import FaultProxy
from bibdebitor.ledger.models import ClaimEvent
from bibdebitor.transfer.models import AppliedRegistration, CoverageCredential
from tests.transfer.conftest import adults, claim_for, configure, drain, sender_for, switch_on

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COVERAGE_PATH = "/sf1590/DaekningAfskrivningRegistreringAfsend/1"


@pytest.fixture
def debtor(tmp_path):
    process = DebtorProcess(tmp_path / "debtor").start()
    yield process
    process.stop()


def unfinished_coverage(debtor) -> int:
    return debtor.query(
        "SELECT count(*) FROM debtor_coveragemessage WHERE state IN ('pending', 'leased')"
    )[0][0]


def test_coverage_survives_faults_and_is_applied_once(debtor, live_server, agency, tmp_path):
    configure(agency, debtor)
    token = uuid.uuid4().hex
    CoverageCredential.objects.create(
        agency=agency, token_sha256=hashlib.sha256(token.encode()).hexdigest(), name="debitor"
    )
    proxy = FaultProxy(urlsplit(live_server.url).port).start()
    try:
        debtor.set_up(
            f"--coverage-url={proxy.url(COVERAGE_PATH)}",
            f"--coverage-token={token}",
            "--coverage-mode=immediate",
        )
        patrons = adults(agency, 3)
        switch_on(agency)
        claims = [claim_for(p, n, amount=30_000) for n, p in enumerate(patrons, start=1)]
        drain(sender_for(debtor.url, debtor))
        debtor.manage("clock", "--advance-days=0")
        invoices = [
            row[0]
            for row in debtor.query(
                "SELECT id FROM debtor_document WHERE kind='invoice' ORDER BY id"
            )
        ]
        day = debtor.manage("clock").split()[-2]
        rows = ["dato;beløb;kodelinje;reference"] + [
            f"{day};{kroner};{code_line(invoice, '87654321')};bank-{invoice}"
            for invoice, kroner in zip(invoices, ["100,00", "200,00", "300,00"], strict=True)
        ]
        bank = tmp_path / "bank.csv"
        bank.write_text("\n".join(rows), encoding="utf-8")
        debtor.manage("bank-file", f"--instance={debtor.instance}", str(bank))

        proxy.faults.extend(["503", "lose", "reset"])
        deadline = time.monotonic() + 60
        while unfinished_coverage(debtor):
            assert time.monotonic() < deadline, "coverage was not delivered"
            debtor.manage("coverage-worker", "--once", "--retry-base=0.05")
            time.sleep(0.1)
    finally:
        proxy.stop()

    assert len(proxy.bodies) >= 4  # three faults, then the call that got through
    covered = ClaimEvent.objects.filter(claim__in=claims, kind=EventKind.COVERED)
    assert sorted(e.amount_ore for e in covered) == [10_000, 20_000, 30_000]
    assert AppliedRegistration.objects.count() == 3
    refused = debtor.query("SELECT count(*) FROM debtor_coveragemessage WHERE state='rejected'")
    assert refused == [(0,)]
