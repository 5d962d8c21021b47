"""The coverage reporter on the shared leased queue: lease owner, order, put back."""

from __future__ import annotations

import httpx

from bibdebitor.common.leasedqueue import Lease
from bibdebitor.debtor import clock, cycle
from bibdebitor.debtor.coverage import CoverageReporter, ReportResult
from bibdebitor.debtor.models import CoverageMessage, QueueState
from bibdebitor.transfer.models import MessageState

from .test_payments import pay


def reporter(name: str) -> CoverageReporter:
    return CoverageReporter(name=name, client=httpx.Client(timeout=1), identity=None)


def due_coverage(debtor, payments: int = 2) -> None:
    debtor.instance.coverage_mode = "immediate"
    debtor.instance.save()
    debtor.register(10_000)
    cycle.advance(0)
    for number in range(payments):
        pay(1_000, reference=f"T{number}")


def test_both_queues_store_the_engines_states():
    for choices in (QueueState, MessageState):
        assert {c.value for c in choices} == {s.value for s in Lease}


def test_a_reporter_that_lost_its_lease_leaves_the_batch_to_its_new_holder(debtor):
    due_coverage(debtor)
    first, second = reporter("first"), reporter("second")
    scope = CoverageMessage.objects.all()
    taken = first.queue.take(scope, 500, clock.now())
    assert len(taken) == 2
    assert second.queue.take(scope, 500, clock.now()) == []  # held by the first
    clock.advance(seconds=int(first.queue.lease.total_seconds()) + 1)
    retaken = second.queue.take(scope, 500, clock.now())
    assert [m.pk for m in retaken] == [m.pk for m in taken]
    assert first.queue.still_mine(taken) == []
    # The first reporter's call fails (nobody listens at the library's address): it must not
    # put back what the second reporter now holds.
    result = ReportResult()
    first._deliver(taken, result)
    assert (result.sent, result.retried, result.accepted) == (2, 0, 0)
    rows = list(CoverageMessage.objects.order_by("id"))
    assert {(m.state, m.lease_owner, m.attempts) for m in rows} == {(Lease.LEASED, "second", 0)}


def test_a_failed_call_puts_the_batch_back_together_with_one_delay(debtor):
    due_coverage(debtor, payments=3)
    result = reporter("only").run_once()
    assert (result.sent, result.retried) == (3, 3)
    rows = list(CoverageMessage.objects.order_by("id"))
    assert {(m.state, m.lease_owner, m.attempts) for m in rows} == {(Lease.PENDING, "", 1)}
    assert len({m.available_at for m in rows}) == 1
    assert all(m.available_at > clock.now() for m in rows)
    assert reporter("again").run_once().sent == 0  # not due before its retry


def test_a_later_message_waits_for_the_earlier_one_of_its_library(debtor):
    due_coverage(debtor, payments=2)
    first, later = CoverageMessage.objects.order_by("id")
    one = reporter("one")
    only_first = CoverageMessage.objects.filter(pk=first.pk)
    assert [m.pk for m in one.queue.take(only_first, 500, clock.now())] == [first.pk]
    assert one.queue.in_lane_order([later]) == []  # the earlier one is still unfinished
    assert reporter("two").queue.take(CoverageMessage.objects.all(), 500, clock.now()) == []
    CoverageMessage.objects.filter(pk=first.pk).update(state=Lease.DONE)
    assert one.queue.in_lane_order([later]) == [later]
