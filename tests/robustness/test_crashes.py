"""kill -9 the sender, the service platform and the debtor system at random moments while a
municipality is handed over (and the coverage worker and the platform while coverage comes
back), start them again, and prove by reconciliation that nothing was lost or duplicated."""

from __future__ import annotations

import random
import time

import pytest

from tests.robustness.conftest import (
    assert_nothing_lost_or_duplicated,
    coverage_waiting,
    debtor_activity,
    make_landscape,
    wait_until,
)
from tests.transfer.conftest import unfinished

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def kill_at_random_moments(landscape, victims, still_running, rng) -> list[tuple[str, int]]:
    """Kill each victim once, in random order, at random moments while ``still_running()``
    is above zero; restart each. Returns (victim, work left) at every kill."""
    kills = []
    for victim in rng.sample(victims, len(victims)):
        time.sleep(rng.uniform(0.05, 0.5))
        left = still_running()
        if not left:
            break
        landscape.kill(victim)
        kills.append((victim, left))
        time.sleep(rng.uniform(0.0, 0.3))
        landscape.restart(victim)
    return kills


def test_kill_9_during_hand_over_and_coverage_loses_and_duplicates_nothing(
    tmp_path, agency, drill_size, drill_seconds
):
    rng = random.Random(20261122)
    landscape = make_landscape(tmp_path, agency, drill_size)
    try:
        total = unfinished(agency)
        landscape.start_worker("sender")
        kills = kill_at_random_moments(
            landscape, ["sender", "broker", "debtor"] * 2, lambda: unfinished(agency), rng
        )
        wait_until(lambda: unfinished(agency) == 0, "the hand-over", drill_seconds)
        # The kills fell during the hand-over, not before or after it.
        assert len(kills) >= 3
        assert {victim for victim, _ in kills} == {"sender", "broker", "debtor"}
        assert all(0 < left <= total for _, left in kills)

        debtor_activity(landscape)
        kills = kill_at_random_moments(
            landscape, ["coverage", "broker", "debtor"], lambda: coverage_waiting(landscape), rng
        )
        wait_until(lambda: coverage_waiting(landscape) == 0, "coverage", drill_seconds)
        assert_nothing_lost_or_duplicated(landscape, agency)
    finally:
        landscape.stop()
