"""The service platform's metrics (``/metrics``): calls by service and outcome, their
durations, and the replay guard's table (bounded: pruned as its window closes)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, Metric

from bibdebitor.broker.models import Call, SeenNonce
from bibdebitor.common.metrics import latency, single


def collect() -> Iterator[Metric]:
    calls = CounterMetricFamily(
        "bibdebitor_platform_calls",
        "Calls answered by the platform, by service and outcome (forwarded or the refusal)",
        labels=["service", "outcome"],
    )
    rows = (
        Call.objects.order_by("service", "outcome")
        .values_list("service", "outcome")
        .annotate(n=Count("id"))
    )
    for service, outcome, n in rows:
        calls.add_metric([service, outcome], n)
    yield calls
    services = sorted({service for service, _outcome, _n in rows})
    yield latency(
        "bibdebitor_call_duration_seconds",
        "Duration of calls answered (forwarding included), per service",
        {service: Call.objects.filter(service=service) for service in services},
    )
    yield single(
        "bibdebitor_platform_nonces", "Replay-guard nonces kept", SeenNonce.objects.count()
    )
