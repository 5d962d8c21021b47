"""The operator's view of the three running processes during a hand-over: ``/healthz``,
``/readyz`` (database and worker heartbeats) and ``/metrics`` behind its token, each figure
checked against the databases counted another way."""

from __future__ import annotations

import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bibdebitor.harness.generator import MunicipalitySize
from bibdebitor.transfer.models import Delivery
from tests.robustness.conftest import make_landscape, wait_until
from tests.transfer.conftest import unfinished

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def scrape(process, token: str) -> dict[tuple[str, tuple], float]:
    answer = httpx.get(f"{process.base_url}/metrics", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def readiness(process) -> tuple[int, dict]:
    answer = httpx.get(f"{process.base_url}/readyz")
    return answer.status_code, answer.json()["checks"]


def test_probes_and_metrics_of_the_three_processes_through_a_hand_over(tmp_path, agency):
    size = MunicipalitySize(patrons=120, claims=800, years=1)
    landscape = make_landscape(tmp_path, agency, size)
    token = landscape.logins.metrics_token
    processes = [landscape.library, landscape.broker, landscape.debtor]
    depth_key = ("bibdebitor_outbox_depth", (("agency", agency.agency_id),))
    try:
        for process in processes:
            assert httpx.get(f"{process.base_url}/healthz").text == "ok\n"
            assert httpx.get(f"{process.base_url}/metrics").status_code == 401
            wrong = {"Authorization": f"Bearer {token[:-2]}xx"}
            assert httpx.get(f"{process.base_url}/metrics", headers=wrong).status_code == 401
        # The coverage worker runs (its first beat once it has started); the platform has no
        # worker; the sender is not started yet.
        wait_until(lambda: readiness(landscape.debtor)[0] == 200, "the coverage worker's beat", 60)
        assert readiness(landscape.debtor) == (200, {"database": "ok", "worker:coverage": "ok"})
        assert readiness(landscape.broker) == (200, {"database": "ok"})
        assert readiness(landscape.library) == (
            503,
            {"database": "ok", "worker:sender": "failing"},
        )

        waiting = unfinished(agency)
        assert scrape(landscape.library, token)[depth_key] == waiting > 100
        landscape.start_worker("sender")
        depths = [waiting]
        deadline = time.monotonic() + 240
        while depths[-1] and time.monotonic() < deadline:
            depths.append(scrape(landscape.library, token)[depth_key])
            time.sleep(0.05)
        assert depths[-1] == 0
        assert depths == sorted(depths, reverse=True)  # it only ever falls …
        assert len(set(depths)) >= 4  # … batch by batch (25 a call), seen on the way
        wait_until(lambda: readiness(landscape.library)[0] == 200, "the sender's heartbeat", 240)

        library = scrape(landscape.library, token)
        calls = Delivery.objects.count()
        hop = (("hop", "library-to-debtor"),)
        assert library[("bibdebitor_call_duration_seconds_count", hop)] == calls
        by_outcome = sum(v for (n, _), v in library.items() if n == "bibdebitor_deliveries_total")
        assert by_outcome == calls
        assert library[("bibdebitor_outbox_finished_total", (("state", "done"),))] == waiting

        (received,) = landscape.debtor.query("SELECT count(*) FROM debtor_inboundtransaction")[0]
        debtor = scrape(landscape.debtor, token)
        assert debtor[("bibdebitor_registration_calls_received_total", ())] == received == calls

        platform = scrape(landscape.broker, token)
        (forwarded,) = landscape.broker.query(
            "SELECT count(*) FROM broker_call WHERE outcome = 'forwarded'"
            " AND service = 'DebitorRegistreringAfsend'"
        )[0]
        service = (("outcome", "forwarded"), ("service", "DebitorRegistreringAfsend"))
        assert platform[("bibdebitor_platform_calls_total", service)] == forwarded == calls
        assert platform[("bibdebitor_platform_nonces", ())] >= 1
    finally:
        landscape.stop()
