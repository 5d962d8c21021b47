"""The debtor process's metrics (``/metrics``): registrations received, the coverage outbox
and its calls back to the library systems."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import Metric

from bibdebitor.common.leasedqueue import UNFINISHED
from bibdebitor.common.metrics import (
    counter,
    counts_by,
    latency,
    queue_gauges,
    single,
)
from bibdebitor.debtor import clock
from bibdebitor.debtor.models import (
    CoverageDelivery,
    CoverageMessage,
    InboundEvent,
    InboundTransaction,
    Instance,
)


def collect() -> Iterator[Metric]:
    # By instance UUID (names need not be unique); not "instance", which Prometheus gives
    # every scraped series for its target.
    instances = {pk: str(key) for pk, key in Instance.objects.values_list("pk", "instance_uuid")}
    yield from queue_gauges(
        "bibdebitor_coverage_outbox",
        "Coverage messages waiting to reach the library (nightly ones included)",
        CoverageMessage.objects.all(),
        "instance_id",
        instances,
        clock.now(),  # the debtor system's own (possibly moved) clock
        label="debtor_instance",
    )
    yield counter(
        "bibdebitor_coverage_deliveries",
        "Coverage calls to the library systems by outcome",
        "outcome",
        counts_by(CoverageDelivery.objects.all(), "outcome"),
    )
    yield counter(
        "bibdebitor_coverage_finished",
        "Coverage messages received (done) or refused (rejected) by the library",
        "state",
        counts_by(CoverageMessage.objects.exclude(state__in=UNFINISHED), "state"),
    )
    yield single(
        "bibdebitor_registration_calls_received",
        "SF1590 registration calls received",
        InboundTransaction.objects.count(),
        "counter",
    )
    yield single(
        "bibdebitor_registration_events_received",
        "Registration events (claims, cancellations, …) received",
        InboundEvent.objects.count(),
        "counter",
    )
    yield latency(
        "bibdebitor_call_duration_seconds",
        "Duration of calls made, per hop",
        {"debtor-to-library": CoverageDelivery.objects.all()},
    )
