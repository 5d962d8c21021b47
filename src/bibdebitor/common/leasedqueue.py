"""The one leased queue behind every outbox that leaves a process: the library's sender
(claims to the debtor system) and the debtor system's coverage reporter (payments back).

* Taking is a short transaction: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
  workers never take the same message; a lease (not an open transaction) covers the call, so
  a crashed worker's messages are taken up again when its lease runs out.
* Order per lane (a debtor account, a library system): a message is only taken together with
  every earlier unfinished message of its lane, so a message waiting for a retry, or held by
  another worker, holds back everything after it in its lane.
* Only the lease holder may finish or put back a message: a worker that outlived its lease
  finds its messages taken by another and leaves them alone.
* A batch put back waits one delay (exponential backoff with jitter), so that it is retried
  together, not in fragments.

The queue's model carries ``state``, ``attempts``, ``available_at``, ``lease_owner``,
``lease_until`` and ``finished_at``; its states have the values of :class:`Lease`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models, transaction

from bibdebitor.protocol.client import backoff

M = TypeVar("M", bound=models.Model)


class Lease(enum.StrEnum):
    """The queue states, as stored (the models' choices carry their Danish labels)."""

    PENDING = "pending"
    LEASED = "leased"
    DONE = "done"
    REJECTED = "rejected"


UNFINISHED = (Lease.PENDING, Lease.LEASED)


@dataclass(frozen=True, slots=True)
class LeasedQueue(Generic[M]):
    model: type[M]
    owner: str
    lease: dt.timedelta
    lane: str  # the field whose messages leave in order ("account_id", "recipient_id")
    group: str  # the field one call is for: a batch never mixes two ("agency_id", …)
    retry_base: float = 2.0  # seconds; doubled per attempt
    retry_cap: float = 900.0

    def take(self, scope: models.QuerySet[M], size: int, now: dt.datetime) -> list[M]:
        """Lease up to ``size`` due messages of one group from ``scope``, in order."""
        with transaction.atomic():
            due = scope.select_for_update(skip_locked=True, of=("self",)).order_by("id")
            # Two queries, each walking the (state, id) index and stopping at ``size``; one
            # query with OR read every pending row before sorting.
            waiting = due.filter(state=Lease.PENDING, available_at__lte=now)[:size]
            abandoned = due.filter(state=Lease.LEASED, lease_until__lt=now)[:size]
            candidates = sorted([*waiting, *abandoned], key=lambda m: m.pk)[:size]
            if not candidates:
                return []
            group = getattr(candidates[0], self.group)
            chosen = self.in_lane_order([m for m in candidates if getattr(m, self.group) == group])
            until = now + self.lease
            self._rows(chosen).update(state=Lease.LEASED, lease_owner=self.owner, lease_until=until)
            for message in chosen:
                # A queue model's fields (the module's contract), unknown to models.Model.
                message.state, message.lease_owner, message.lease_until = (  # type: ignore[attr-defined]
                    Lease.LEASED,
                    self.owner,
                    until,
                )
        return chosen

    def in_lane_order(self, candidates: Sequence[M]) -> list[M]:
        """Keep, per lane, the candidates that follow on from its first unfinished message
        without a gap; a lane whose first unfinished message is not a candidate (held by
        another worker, or waiting for its retry) is left alone this time."""
        if not candidates:
            return []
        chosen_ids = {m.pk for m in candidates}
        unfinished = (
            self.model._default_manager.filter(
                **{f"{self.lane}__in_ids": {getattr(m, self.lane) for m in candidates}},
                state__in=UNFINISHED,
                id__lte=max(chosen_ids),  # a later message cannot hold an earlier one back
            )
            .order_by(self.lane, "id")
            .values_list(self.lane, "id")
        )
        open_lane: dict[Any, bool] = {}
        keep: set[int] = set()
        for lane, message_id in unfinished:
            if open_lane.get(lane, True) and message_id in chosen_ids:
                keep.add(message_id)
            else:
                open_lane[lane] = False
        return [m for m in candidates if m.pk in keep]

    def still_mine(self, messages: Sequence[M]) -> list[M]:
        """The messages of a batch this worker still holds, locked until the transaction
        ends (call inside one): only these may be finished or put back. Read as keys only:
        the messages' content is what was taken, and reading it again cost a tenth of a call."""
        held = set(
            self._rows(messages)
            .select_for_update()
            .filter(state=Lease.LEASED, lease_owner=self.owner)
            .values_list("pk", flat=True)
        )
        return sorted((m for m in messages if m.pk in held), key=lambda m: m.pk)

    def finish(
        self, messages: Sequence[M], state: Lease, now: dt.datetime, **fields: object
    ) -> None:
        self._rows(messages).update(
            state=state, finished_at=now, lease_owner="", lease_until=None, **fields
        )

    def put_back(self, messages: Sequence[M], now: dt.datetime) -> None:
        if not messages:
            return
        # ``attempts``: a queue model's field (the module's contract), unknown to models.Model.
        attempts = max(m.attempts for m in messages) + 1  # type: ignore[attr-defined]
        delay = dt.timedelta(seconds=backoff(attempts, self.retry_base, self.retry_cap))
        self._rows(messages).update(
            state=Lease.PENDING,
            attempts=attempts,
            available_at=now + delay,
            lease_owner="",
            lease_until=None,
        )

    def _rows(self, messages: Sequence[M]) -> models.QuerySet[M]:
        return self.model._default_manager.filter(pk__in_ids=[m.pk for m in messages])
