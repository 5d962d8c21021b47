"""Every call between the processes — sender → platform, platform → debtor system, debtor →
platform → library — meets a transient fault 30 % of the time (an error answer, a lost answer
after the receiver acted, a timeout, a dropped connection, a slow answer). The hand-over and
the coverage still complete, and reconciliation proves nothing was lost or duplicated."""

from __future__ import annotations

import pytest

from bibdebitor.harness.faults import RANDOM_FAULTS, FaultProxy
from tests.robustness.conftest import (
    assert_nothing_lost_or_duplicated,
    coverage_waiting,
    debtor_activity,
    make_landscape,
    wait_until,
)
from tests.transfer.conftest import unfinished

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_thirty_percent_transient_faults_lose_and_duplicate_nothing(
    tmp_path, agency, drill_size, drill_seconds
):
    proxies: list[FaultProxy] = []

    def faulty_hop(port: int) -> int:
        proxy = FaultProxy(port, slow_seconds=3.0, rate=0.3, seed=len(proxies)).start()
        proxies.append(proxy)
        return proxy.port

    landscape = make_landscape(tmp_path, agency, drill_size, hop=faulty_hop)
    try:
        landscape.start_worker("sender")
        wait_until(lambda: unfinished(agency) == 0, "the hand-over", drill_seconds)
        debtor_activity(landscape)
        wait_until(lambda: coverage_waiting(landscape) == 0, "coverage", drill_seconds)
        assert_nothing_lost_or_duplicated(landscape, agency)
    finally:
        landscape.stop()
        for proxy in proxies:
            proxy.stop()

    # The faults really happened, of every kind, at about the rate asked for.
    made = [fault for proxy in proxies for fault in proxy.made]
    calls = sum(len(proxy.bodies) for proxy in proxies)
    assert set(made) == set(RANDOM_FAULTS)
    assert 0.2 < len(made) / calls < 0.4
