"""Building blocks of every process's metrics, computed from its database when scraped: the
workers that write the rows run in other processes, so in-memory counters would miss them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from django.db.models import Count, Min, Model, Q, QuerySet, Sum
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from bibdebitor.common.leasedqueue import UNFINISHED

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def gauge(name: str, documentation: str, label: str, values: Mapping[str, float]) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family


def counter(name: str, documentation: str, label: str, values: Mapping[str, float]) -> Metric:
    family = CounterMetricFamily(name, documentation, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family


def single(name: str, documentation: str, value: float, kind: str = "gauge") -> Metric:
    family = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
    return family(name, documentation, value=value)


def counts_by(queryset: QuerySet[Model], field: str) -> dict[str, int]:
    return {
        str(key): n
        for key, n in queryset.order_by()
        .values_list(field)
        .annotate(n=Count("id"))
        .values_list(field, "n")
    }


def latency(
    name: str, documentation: str, hops: Mapping[str, QuerySet[Model]], field: str = "duration_ms"
) -> Metric:
    """A histogram of call durations per hop from the archive's ``duration_ms``: one query a
    hop, counting each bucket in the database."""
    family = HistogramMetricFamily(name, documentation, labels=["hop"])
    for hop, queryset in hops.items():
        bounds = {
            f"le{i}": Count("id", filter=Q(**{f"{field}__lte": bound * 1000}))
            for i, bound in enumerate(LATENCY_BUCKETS)
        }
        row = queryset.order_by().aggregate(total=Count("id"), sum=Sum(field), **bounds)
        buckets = [(str(b), row[f"le{i}"]) for i, b in enumerate(LATENCY_BUCKETS)]
        buckets.append(("+Inf", row["total"]))
        family.add_metric([hop], buckets, sum_value=(row["sum"] or 0) / 1000)
    return family


def queue_gauges(
    prefix: str,
    waiting: str,
    queryset: QuerySet[Model],
    group: str,
    names: Mapping[int, str],
    now: dt.datetime,
    label: str,
) -> Iterator[Metric]:
    """A leased queue's depth and the age of its oldest unfinished message, per group (an
    agency, an instance; every group named, empty ones too): ``<prefix>_depth`` and
    ``<prefix>_oldest_age_seconds``. Grouped by state and group, so the (state, group,
    created_at) index answers it without a sort."""
    rows = (
        queryset.filter(state__in=UNFINISHED)
        .order_by("state", group)
        .values_list("state", group)
        .annotate(n=Count("id"), oldest=Min("created_at"))
    )
    depth = dict.fromkeys(names.values(), 0)
    ages = dict.fromkeys(names.values(), 0.0)
    for _state, key, n, first in rows:
        name = names.get(key, str(key))  # a group made since ``names`` was read
        depth[name] = depth.get(name, 0) + n
        ages[name] = max(ages.get(name, 0.0), (now - first).total_seconds(), 0.0)
    yield gauge(f"{prefix}_depth", waiting, label, depth)
    yield gauge(
        f"{prefix}_oldest_age_seconds",
        "Age of the oldest message still waiting (0: none waiting)",
        label,
        ages,
    )
