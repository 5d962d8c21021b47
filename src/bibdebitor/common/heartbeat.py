"""Workers tell the database they are alive; ``/readyz`` asks it. A beat is written at most
every ``BEAT_SECONDS`` however fast the loop turns, and rows of workers gone for a day are
removed by the next beat, so the table holds about one row per running worker."""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from bibdebitor.common.models import WorkerHeartbeat

BEAT_SECONDS = 10.0
FORGOTTEN_AFTER = dt.timedelta(days=1)


class Heartbeat:
    def __init__(self, kind: str, name: str) -> None:
        self.kind, self.name = kind, name
        self._last = -BEAT_SECONDS

    def beat(self) -> None:
        if time.monotonic() - self._last < BEAT_SECONDS:
            return
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            name=self.name, defaults={"kind": self.kind, "beat_at": now}
        )
        WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGOTTEN_AFTER).delete()
        self._last = time.monotonic()


def last_beat(kind: str) -> dt.datetime | None:
    """The latest beat of any worker of ``kind``."""
    latest = WorkerHeartbeat.objects.filter(kind=kind).order_by("-beat_at").first()
    return latest.beat_at if latest else None
