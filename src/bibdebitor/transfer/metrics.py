"""The library process's metrics (``/metrics``): the outbox, the calls to the debtor system,
error tasks, coverage received and reconciliation."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Max, Sum
from django.utils import timezone
from prometheus_client.core import Metric

from bibdebitor.common.leasedqueue import Lease
from bibdebitor.common.metrics import (
    counter,
    counts_by,
    gauge,
    latency,
    queue_gauges,
    single,
)
from bibdebitor.ledger.models import Agency
from bibdebitor.transfer.models import (
    Delivery,
    InboxMessage,
    OutboxMessage,
    ReconciliationRun,
)
from bibdebitor.transfer.tasks import open_tasks


def collect() -> Iterator[Metric]:
    now = timezone.now()
    agencies = dict(Agency.objects.values_list("pk", "agency_id"))
    yield from queue_gauges(
        "bibdebitor_outbox",
        "Messages waiting to reach the debtor system",
        OutboxMessage.objects.all(),
        "agency_id",
        agencies,
        now,
        label="agency",
    )
    finished = counts_by(
        OutboxMessage.objects.filter(state__in=(Lease.DONE, Lease.REJECTED)), "state"
    )
    yield counter(
        "bibdebitor_outbox_finished",
        "Messages accepted (done) or rejected by the debtor system",
        "state",
        {state: finished.get(state, 0) for state in (Lease.DONE, Lease.REJECTED)},
    )
    yield counter(
        "bibdebitor_deliveries",
        "Calls to the debtor system by outcome (transient: retried later)",
        "outcome",
        counts_by(Delivery.objects.all(), "outcome"),
    )
    yield latency(
        "bibdebitor_call_duration_seconds",
        "Duration of calls made, per hop",
        {"library-to-debtor": Delivery.objects.all()},
    )
    yield gauge(
        "bibdebitor_error_tasks_open",
        "Open error tasks by cause",
        "cause",
        counts_by(open_tasks(), "code"),
    )
    received = InboxMessage.objects.aggregate(
        calls=Count("id"), registrations=Sum("registration_count"), last=Max("received_at")
    )
    yield single(
        "bibdebitor_coverage_calls_received",
        "Coverage calls received",
        received["calls"],
        "counter",
    )
    yield single(
        "bibdebitor_coverage_registrations_received",
        "Coverage registrations (payments, write-offs) received",
        received["registrations"] or 0,
        "counter",
    )
    yield single(
        "bibdebitor_coverage_last_received_timestamp_seconds",
        "When the last coverage call was received (0: never)",
        received["last"].timestamp() if received["last"] else 0,
    )
    yield from _reconciliation(agencies)


def _reconciliation(agencies: dict[int, str]) -> Iterator[Metric]:
    runs = ReconciliationRun.objects.order_by("-finished_at")
    latest = {
        agency: run
        for pk, agency in agencies.items()
        if (run := runs.filter(agency_id=pk).first()) is not None
    }
    yield gauge(
        "bibdebitor_reconciliation_discrepancies",
        "Discrepancies found by each agency's latest reconciliation",
        "agency",
        {agency: run.discrepancy_count for agency, run in latest.items()},
    )
    yield gauge(
        "bibdebitor_reconciliation_last_run_timestamp_seconds",
        "When each agency's latest reconciliation finished",
        "agency",
        {agency: run.finished_at.timestamp() for agency, run in latest.items()},
    )
