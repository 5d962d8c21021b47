"""Payment-to-library latency in immediate coverage mode: a citizen pays an invoice in the
debtor system's portal; how long until the library's fee list (the FBS-compatible fees API,
over HTTP) no longer shows the fee as unpaid?

    .venv/bin/python benchmarks/payment_latency.py [--payments 100]

Three real processes on localhost: the library (``bibdebitor serve``), the reference debtor
system (``bibdebitor-debtor serve``) and its coverage worker (``coverage-worker``, polling
every 0.2 s by default). Each patron's claim is handed over, invoiced, then paid in the
portal (MitID simulator + MobilePay simulator); the clock starts when the payment is posted
and stops when ``GET /external/agencyid/patron/patronid/fees/v2`` (polled every 5 ms with the
patron's token) no longer lists the fee. p50/p95/max are printed and written as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from harness import library_django, wired_agency
from report import publish

LIBRARY_CLI = [sys.executable, "-c", "from bibdebitor.cli import main; main()"]
COVERAGE_PATH = "/sf1590/DaekningAfskrivningRegistreringAfsend/1"
MITID_CODE = "123456"
POLL_SECONDS = 0.005


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=100)
    parser.add_argument("--poll", type=float, default=0.2, help="coverage worker poll (s)")
    parser.add_argument(
        "--json", type=Path, default=Path("benchmarks/results/payment_latency.json")
    )
    args = parser.parse_args()
    root = library_django("bibdebitor-latency-")

    from bibdebitor.harness.debtor import DEBTOR_CLI, DebtorProcess
    from bibdebitor.harness.processes import free_port, wait_for_port

    library_port = free_port()
    debtor = DebtorProcess(root / "debtor")
    token = uuid.uuid4().hex
    processes: list[subprocess.Popen] = []
    try:
        debtor.start(
            f"--coverage-url=http://127.0.0.1:{library_port}{COVERAGE_PATH}",
            f"--coverage-token={token}",
            "--coverage-mode=immediate",
        )
        claims = _library(debtor, token, args.payments)
        processes.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
                [*LIBRARY_CLI, "serve", f"--addr=127.0.0.1:{library_port}"],
                stdout=subprocess.DEVNULL,
            )
        )
        wait_for_port(library_port)
        env = {
            **os.environ,
            "BIBDEBITOR_SF1590_URL": debtor.url,
            "BIBDEBITOR_SF1590_TOKEN": debtor.token,
        }
        subprocess.run([*LIBRARY_CLI, "worker", "--once"], env=env, check=True)  # noqa: S603
        debtor.manage("clock", "--advance-days=0")
        processes.append(
            subprocess.Popen(  # noqa: S603
                [*DEBTOR_CLI, "coverage-worker", f"--idle={args.poll}"], env=debtor.env
            )
        )
        fees_url = f"http://127.0.0.1:{library_port}/external/agencyid/patron/patronid/fees/v2"
        with httpx.Client() as library:
            latencies = [
                _pay_and_wait(debtor, cpr, claim, library, fees_url, token)
                for cpr, claim, token in claims
            ]
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        debtor.stop()
    latencies.sort()
    figures = {
        "benchmark": "payment_latency",
        "coverage_mode": "immediate",
        "coverage_worker_poll_seconds": args.poll,
        "payments": len(latencies),
        "p50_seconds": round(statistics.median(latencies), 3),
        "p95_seconds": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "max_seconds": round(latencies[-1], 3),
    }
    publish(figures, args.json)


def _cprs(count: int) -> list[str]:
    """Valid CPR numbers (modulus 11), so the MitID simulator accepts them."""
    from bibdebitor.domain.identifiers import century_digits, passes_modulus11

    found: list[str] = []
    birth = dt.date(1960, 1, 1)
    while len(found) < count:
        birth += dt.timedelta(days=1)
        first = century_digits(birth.year)[0]
        for serial in range(1000):
            number = f"{birth:%d%m%y}{first}{serial:03d}"
            if passes_modulus11(number):
                found.append(number)
                break
    return found


def _library(debtor, token: str, count: int):
    """An agency switched on, one patron with one claim per payment."""

    from django.utils import timezone

    from bibdebitor.citizen.models import AccessToken, ClientSystem
    from bibdebitor.common.credentials import digest
    from bibdebitor.ledger.services import create_claim, register_patron
    from bibdebitor.sortiment.cutover import preview
    from bibdebitor.transfer.activation import activate
    from bibdebitor.transfer.models import CoverageCredential

    agency = wired_agency(debtor, "LATENS", "Latens Kommune")
    CoverageCredential.objects.create(agency=agency, token_sha256=digest(token), name="debitor")
    website = ClientSystem.objects.create(
        agency=agency, name="Hjemmeside", client_id="bench", secret_sha256=uuid.uuid4().hex
    )
    today = timezone.localdate()
    claims = []
    for number, cpr in enumerate(_cprs(count), start=1):
        patron = register_patron(
            agency, patron_number=f"L{number}", kind="person", name=f"Låner {number}", cpr=cpr
        )
        claim = create_claim(
            patron,
            claim_number=number,
            kind="late_fee",
            amount_ore=10_000,
            created_on=today - dt.timedelta(days=5),
            due_date=today + dt.timedelta(days=25),
            actor="system:bench",
        )
        # The token the patron's sign-in would give (the PIN check is not what is measured).
        bearer = uuid.uuid4().hex
        AccessToken.objects.create(
            token_sha256=digest(bearer),
            client=website,
            patron=patron,
            expires_at=timezone.now() + dt.timedelta(hours=2),
        )
        claims.append((cpr, claim, bearer))
    cutoff = dt.date(2000, 1, 1)
    activate(
        agency, cutoff=cutoff, preview_code=preview(agency, cutoff).fingerprint, actor="system:b"
    )
    return claims


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _unpaid(library: httpx.Client, url: str, token: str) -> set[int]:
    answer = library.get(
        url,
        params={"includepaid": "false", "includenonpayable": "true"},
        headers={"Authorization": f"Bearer {token}"},
    )
    answer.raise_for_status()
    return {fee["feeId"] for fee in answer.json()}


def _pay_and_wait(debtor, cpr: str, claim, library: httpx.Client, url: str, token: str) -> float:
    if claim.claim_number not in _unpaid(library, url, token):
        sys.exit("the fee list does not show the fee before it is paid")
    (invoice,) = debtor.query(
        "SELECT l.invoice_id FROM debtor_invoiceline l JOIN debtor_debtorclaim c "
        "ON c.id = l.claim_id WHERE c.claim_id = ?",
        f"{claim.agency.agency_id}-{claim.claim_number}",
    )[0]
    base = f"{debtor.base_url}/betalingsoverblik/{debtor.instance}"
    with httpx.Client(follow_redirects=True) as client:
        page = client.get(f"{base}/log-ind/").text
        client.post(
            f"{base}/log-ind/",
            data={"cpr": cpr, "code": MITID_CODE, "csrfmiddlewaretoken": _csrf(page)},
        )
        page = client.get(f"{base}/betal/{invoice}/").text
        started = time.perf_counter()
        answer = client.post(
            f"{base}/betal/{invoice}/",
            data={
                "method": "mobilepay",
                "amount": "100,00",
                "phone": "20304050",
                "csrfmiddlewaretoken": _csrf(page),
            },
        )
    if "100,00" not in answer.text:
        sys.exit(f"the payment was not taken: HTTP {answer.status_code}")
    while claim.claim_number in _unpaid(library, url, token):
        if time.perf_counter() - started > 60:
            sys.exit("the payment never reached the library")
        time.sleep(POLL_SECONDS)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
