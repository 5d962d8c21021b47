"""The operator's endpoints through the library's views: probes, readiness from the sender's
heartbeat, metrics behind their token and equal to the database counted another way, and
JSON log lines that carry no CPR number."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

import pytest
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from bibdebitor.common.heartbeat import Heartbeat
from bibdebitor.common.logfilters import JsonLinesFormatter
from bibdebitor.common.models import WorkerHeartbeat
from bibdebitor.transfer.models import MessageState, OutboxMessage
from tests.library_fixtures import with_integration_settings
from tests.transfer.conftest import adults, claim_for, switch_on

pytestmark = pytest.mark.django_db
TOKEN = "t" * 40


def samples(client) -> dict[tuple[str, tuple], float]:
    answer = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.content.decode())
        for s in family.samples
    }


def test_healthz_answers_without_the_database(client):
    answer = client.get("/healthz")
    assert (answer.status_code, answer.content) == (200, b"ok\n")


def test_readyz_needs_a_fresh_sender_heartbeat(client):
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {"database": "ok", "worker:sender": "failing"}
    Heartbeat("sender", "worker-1").beat()
    assert client.get("/readyz").status_code == 200
    old = timezone.now() - dt.timedelta(seconds=181)
    WorkerHeartbeat.objects.update(beat_at=old)
    assert client.get("/readyz").json() == {
        "ready": False,
        "checks": {"database": "ok", "worker:sender": "failing"},
    }


def test_a_heartbeat_is_one_row_per_worker_and_forgets_workers_gone_for_a_day():
    Heartbeat("sender", "gone").beat()
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(days=2))
    beat = Heartbeat("sender", "running")
    beat.beat()
    beat.beat()  # within ten seconds: not written again
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["running"]


def test_metrics_are_off_without_a_token_and_refuse_a_wrong_one(client):
    assert client.get("/metrics").status_code == 404
    with override_settings(BIBDEBITOR_METRICS_TOKEN=TOKEN):
        missing = client.get("/metrics")
        assert missing.status_code == 401
        assert missing.headers["WWW-Authenticate"].startswith("Bearer")
        wrong = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-1]}x")
        assert wrong.status_code == 401


@override_settings(BIBDEBITOR_METRICS_TOKEN=TOKEN)
def test_outbox_metrics_equal_the_outbox_counted_row_by_row(client, agency):
    agency = with_integration_settings(agency)
    switch_on(agency)
    for number, patron in enumerate(adults(agency, 3), start=1):
        claim_for(patron, number)
    first = OutboxMessage.objects.order_by("id").first()
    OutboxMessage.objects.filter(pk=first.pk).update(state=MessageState.DONE)
    pending = [m for m in OutboxMessage.objects.all() if m.state in ("pending", "leased")]
    oldest = min(m.created_at for m in pending)
    figures = samples(client)
    label = (("agency", agency.agency_id),)
    assert figures[("bibdebitor_outbox_depth", label)] == len(pending) == 2
    age = figures[("bibdebitor_outbox_oldest_age_seconds", label)]
    assert 0 <= age <= (timezone.now() - oldest).total_seconds()
    assert figures[("bibdebitor_outbox_finished_total", (("state", "done"),))] == 1
    assert figures[("bibdebitor_coverage_last_received_timestamp_seconds", ())] == 0
    assert figures[("bibdebitor_call_duration_seconds_count", (("hop", "library-to-debtor"),))] == 0


def test_json_log_lines_are_json_and_mask_cpr_numbers_in_tracebacks_too():
    try:
        raise ValueError("patron 0101901234 not found")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "lookup %s", ("0101901234",), sys.exc_info()
        )
    line = JsonLinesFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "lookup 010190-XXXX"
    assert "0101901234" not in line
    assert "010190-XXXX not found" in entry["exception"]
