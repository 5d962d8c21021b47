"""What an operator's tools ask every process: ``/healthz`` (the process answers),
``/readyz`` (its database answers and its workers are alive) and ``/metrics`` (Prometheus,
behind a bearer token). The probes carry no data beyond ok or not; the metrics do, hence the
token. Each process names its workers and its metrics in its settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from bibdebitor.common.heartbeat import last_beat


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_answers()}
    stale = dt.timedelta(seconds=settings.BIBDEBITOR_WORKER_STALE_SECONDS)
    for kind in settings.BIBDEBITOR_READY_WORKERS:
        beat = last_beat(kind) if checks["database"] else None
        checks[f"worker:{kind}"] = beat is not None and timezone.now() - beat <= stale
    ready = all(checks.values())
    answer = {"ready": ready, "checks": {k: "ok" if v else "failing" for k, v in checks.items()}}
    return JsonResponse(answer, status=200 if ready else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row: tuple[object, ...] | None = cursor.fetchone()
            return row == (1,)
    except DatabaseError:
        return False


class _Scrape(Collector):
    def __init__(self, collect: Callable[[], Iterable[Metric]]) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        return self._collect()


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.BIBDEBITOR_METRICS_TOKEN
    if not token:
        return HttpResponse("metrics are off: set BIBDEBITOR_METRICS_TOKEN\n", status=404)
    given = request.headers.get("Authorization", "")
    if not constant_time_compare(given, f"Bearer {token}"):
        refused = HttpResponse("a bearer token is required\n", status=401)
        refused["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refused
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Scrape(import_string(settings.BIBDEBITOR_METRICS)))
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
