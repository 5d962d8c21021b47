"""Transfer throughput, end to end: claims handed over from the library's outbox to a running
reference debtor system (its own process and SQLite database) over HTTP on localhost.

    .venv/bin/python benchmarks/transfer_throughput.py --claims 100000 [--workers 2]
    scripts/with-postgres .venv/bin/python benchmarks/transfer_throughput.py --debtor-processes 2

Generates a municipality, switches the integration on with a cut-off date far back (timed: the
outbox is filled), then starts the sender workers (``bibdebitor worker``) and waits until every
claim is accepted in the debtor system (timed: delivery, including the receiver's work), then
reconciles the library's ledger against the debtor system's claim statement (untimed): nothing
lost, nothing duplicated, every total to the øre. With ``--overlap`` the workers run from the
start, as at a go-live, delivering each chunk of the backlog while the next is enqueued (the
default; ``--no-overlap`` enqueues first and then delivers).
The library side uses SQLite, or PostgreSQL when DATABASE_URL is set. Two sender workers and two
debtor server processes keep both cores busy (one worker leaves a core idle while it waits for
each answer). ``--faults 0.3`` puts the fault drill's proxy in front of the debtor system: that
share of the calls meets a transient fault of the drill's mix (an error answer, a lost answer
after the receiver acted, a timeout, a dropped connection, a slow answer), with the drill's
2-second read timeout. ``--platform`` sends every call signed through the service platform (its
own process, as many as the debtor system's), which checks the signature, the agreement and the
route and passes the call on. Besides the times, the run reports the CPU time a claim took in
each part (the enqueue in this process; the sender workers; the debtor system's servers; the
platform's), read from ``/proc`` for each process and the processes it forked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from harness import cpu_seconds, library_django, wired_agency
from report import publish

WORKER = [sys.executable, "-c", "from bibdebitor.cli import main; main()", "worker"]
POLL_SECONDS = 0.25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000, help="claims to hand over")
    parser.add_argument("--workers", type=int, default=2, help="sender workers")
    parser.add_argument("--debtor-processes", type=int, default=2, help="its server processes")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--overlap",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="workers deliver while the outbox is filled",
    )
    parser.add_argument("--faults", type=float, default=0.0, help="share of calls that fail")
    parser.add_argument("--calls", type=int, default=1, help="calls in flight per worker")
    parser.add_argument(
        "--platform", action="store_true", help="signed calls through the service platform"
    )
    parser.add_argument(
        "--json", type=Path, default=Path("benchmarks/results/transfer_throughput.json")
    )
    args = parser.parse_args()
    root = library_django("bibdebitor-transfer-")
    from django.db import connection

    from bibdebitor.harness.debtor import DebtorProcess
    from bibdebitor.harness.faults import FaultProxy
    from bibdebitor.harness.processes import stop
    from bibdebitor.sortiment.cutover import preview
    from bibdebitor.transfer.activation import activate
    from bibdebitor.transfer.models import Delivery, OutboxMessage
    from bibdebitor.transfer.outbox import enqueue_claims
    from bibdebitor.transfer.reconciliation import StatementSource, reconcile

    debtor = DebtorProcess(root / "debtor", processes=args.debtor_processes).start()
    broker = _platform(root, debtor, args.debtor_processes) if args.platform else None
    target = broker or debtor
    proxy = FaultProxy(target.port, slow_seconds=3.0, rate=args.faults).start()
    try:
        agency = wired_agency(debtor, "BENCH", "Benchmark Kommune", substitute_cpr_enabled=True)
        _generate(agency, args.claims)
        cutoff = dt.date(2000, 1, 1)
        code = preview(agency, cutoff).fingerprint
        connection.close()
        url = broker.url(REGISTRATION) if broker else debtor.url
        env = {
            **os.environ,
            "BIBDEBITOR_SF1590_URL": proxy.url(urlsplit(url).path) if args.faults else url,
            "BIBDEBITOR_SF1590_TOKEN": "" if broker else debtor.token,
            **(_signing_env(root) if broker else {}),
            "BIBDEBITOR_TRANSFER_BATCH_SIZE": str(args.batch_size),
            "BIBDEBITOR_LOG_LEVEL": "ERROR",
            "BIBDEBITOR_CALL_READ_TIMEOUT": "2" if args.faults else "60",
        }
        in_flight = ("--calls", str(args.calls))
        receiver_cpu = cpu_seconds(debtor.process.pid)
        platform_cpu = cpu_seconds(broker.process.pid) if broker else 0.0
        workers = _start_workers(env, args.workers, *in_flight) if args.overlap else []
        started, enqueue_cpu = time.perf_counter(), time.process_time()
        activation = activate(agency, cutoff=cutoff, preview_code=code, actor="system:bench")
        enqueue_seconds, enqueue_cpu = (
            time.perf_counter() - started,
            time.process_time() - enqueue_cpu,
        )
        handed_over = activation.handed_over
        delivery_started = started if args.overlap else time.perf_counter()
        workers = workers or _start_workers(env, args.workers, *in_flight)
        _wait_until_delivered()
        done = time.perf_counter()
        sender_cpu = cpu_seconds(*(worker.pid for worker in workers))
        receiver_cpu = cpu_seconds(debtor.process.pid) - receiver_cpu
        if broker:
            platform_cpu = cpu_seconds(broker.process.pid) - platform_cpu
        for worker in workers:
            stop(worker)
        assert enqueue_claims(agency, None, actor="system:bench") == 0  # nothing twice
        left = OutboxMessage.objects.exclude(state="done").count()
        received, distinct, received_ore = debtor.query(
            "SELECT count(*), count(DISTINCT claim_id), coalesce(sum(amount_ore), 0) "
            "FROM debtor_debtorclaim"
        )[0]
        handed_over_ore = _accepted_ore(agency)
        statement = f"{debtor.base_url}/sf1590/FordringOversigt/1"
        reconciled = time.perf_counter()
        run = reconcile(agency, StatementSource(statement, debtor.token), actor="system:bench")
        reconcile_seconds = time.perf_counter() - reconciled
        calls = Delivery.objects.count()
        vendor = connection.vendor
    finally:
        proxy.stop()
        if broker:
            broker.stop()
        debtor.stop()
    figures = {
        "library_database": vendor,
        "debtor_database": "sqlite",
        "workers": args.workers,
        "debtor_processes": args.debtor_processes,
        "batch_size": args.batch_size,
        "overlapped": args.overlap,
        "through_platform": args.platform,
        "calls_in_flight": args.workers * args.calls,
        "fault_rate": args.faults,
        "faults_made": len(proxy.made),
        "claims_handed_over": handed_over,
        "claims_received_by_debtor": received,
        "not_delivered": left,
        "duplicated_at_debtor": received - distinct,
        "handed_over_ore": handed_over_ore,
        "received_by_debtor_ore": received_ore,
        "reconciled_claims": [run.library_claims, run.debtor_claims],
        "reconciliation_discrepancies": run.discrepancy_count,
        "reconciliation_error": run.error,
        "reconcile_seconds": round(reconcile_seconds, 1),
        "calls": calls,
        "enqueue_seconds": round(enqueue_seconds, 2),
        "enqueue_claims_per_second": round(handed_over / enqueue_seconds),
        "delivery_seconds": round(done - delivery_started, 2),
        "handover_seconds": round(done - started, 2),
        "handover_claims_per_second": round(handed_over / (done - started)),
        # CPU time a claim took in each process (the workers' and servers' start included).
        "cpu_us_per_claim": {
            "enqueue": round(enqueue_cpu / handed_over * 1e6),
            "sender": round(sender_cpu / handed_over * 1e6),
            "receiver": round(receiver_cpu / handed_over * 1e6),
            **({"platform": round(platform_cpu / handed_over * 1e6)} if broker else {}),
        },
    }
    publish(figures, args.json)
    if received != handed_over or left:
        sys.exit("not every claim arrived")
    if distinct != received or received_ore != handed_over_ore:
        sys.exit("the debtor system holds a claim twice, or the totals differ")
    reconciled = run.library_claims == run.debtor_claims == received
    if run.error or run.discrepancy_count or not reconciled:
        sys.exit("reconciliation found discrepancies")


def _accepted_ore(agency) -> int:
    """The amount of every claim the debtor system accepted, by the library's own journal."""
    from django.db.models import Sum

    from bibdebitor.domain.claims import EventKind

    accepted = agency.claims.filter(events__kind=EventKind.ACCEPTED)
    return accepted.aggregate(total=Sum("amount_ore"))["total"] or 0


REGISTRATION = "DebitorRegistreringAfsend"


def _platform(root: Path, debtor, processes: int):
    """The service platform, started, with the library's and the debtor system's certificates,
    the route to the debtor system and an approved agreement for the hand-over."""
    from bibdebitor.harness.broker import BrokerProcess
    from bibdebitor.protocol.signing import write_identity

    for name, folder in (("FBS", "library-id"), ("Debitorsystem", "debtor-id")):
        write_identity(name, root / folder)
    broker = BrokerProcess(root / "broker", processes=processes).start()
    org = debtor.organisation
    broker.platform(
        "municipality", "--cvr=29189129", "--name=Benchmark Kommune", f"--organisation={org}"
    )
    for system, folder in ((debtor.sender, "library-id"), (debtor.instance, "debtor-id")):
        broker.system(system, folder, root / folder / "cert.pem")
    broker.route(org, REGISTRATION, debtor.instance, debtor.url, debtor.token)
    broker.platform("administrator", "--username=aftaleadmin", "--password=en-lang-kode-42")
    broker.approved_agreement(debtor.sender, REGISTRATION, org, "aftaleadmin")
    return broker


def _signing_env(root: Path) -> dict[str, str]:
    return {
        "BIBDEBITOR_SIGNING_KEY": str(root / "library-id" / "key.pem"),
        "BIBDEBITOR_SIGNING_CERT": str(root / "library-id" / "cert.pem"),
    }


def _start_workers(env: dict[str, str], count: int, *extra: str) -> list[subprocess.Popen]:
    return [subprocess.Popen([*WORKER, *extra], env=env) for _ in range(count)]  # noqa: S603


def _wait_until_delivered() -> None:
    """Until no hand-over is left in the outbox (the workers keep running meanwhile)."""
    from django.db import connection

    from bibdebitor.common.leasedqueue import UNFINISHED
    from bibdebitor.transfer.models import OutboxMessage

    while OutboxMessage.objects.filter(state__in=UNFINISHED).exists():
        connection.close()  # a fresh snapshot each time (and no read lock held between)
        time.sleep(POLL_SECONDS)


def _generate(agency, wanted: int) -> None:
    """Adults with one open late fee or replacement claim each few patrons: every claim
    transferable, written in bulk as an import would."""
    from django.db import transaction
    from django.utils import timezone

    from bibdebitor.ledger.journal import write_claim_events
    from bibdebitor.ledger.models import Claim, Patron
    from bibdebitor.ledger.services import opening_events

    today = timezone.localdate()
    patrons = [
        Patron(
            agency=agency,
            patron_number=f"B{n}",
            kind="person",
            name=f"Låner {n}",
            cpr=f"{n % 28 + 1:02d}{n // 28 % 12 + 1:02d}{60 + n // 336 % 40:02d}{n % 4000:04d}",
        )
        for n in range(max(1, wanted // 4))
    ]
    with transaction.atomic():
        Patron.objects.bulk_create(patrons, batch_size=5_000)
        claims = Claim.objects.bulk_create(
            [
                Claim(
                    agency=agency,
                    patron=patrons[n % len(patrons)],
                    claim_number=n + 1,
                    kind="late_fee" if n % 3 else "replacement",
                    amount_ore=2_000 + n % 50_000,
                    created_on=today - dt.timedelta(days=n % 300),
                    due_date=today + dt.timedelta(days=30),
                )
                for n in range(wanted)
            ],
            batch_size=5_000,
        )
        now = timezone.now()
        events = [
            e for c in claims for e in opening_events(c, actor="system:bench", occurred_at=now)
        ]
        for start in range(0, len(events), 5_000):
            write_claim_events(events[start : start + 5_000])


if __name__ == "__main__":
    main()
