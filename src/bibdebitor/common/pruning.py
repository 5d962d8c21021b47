"""Tables that prune themselves: once in so many inserts, the insert that crosses a multiple
of ``every`` deletes what has expired, so the table stays bounded however busy the process is
and no scheduler has to remember it."""

from __future__ import annotations


def due(last_pk: int | None, every: int, added: int = 1) -> bool:
    """Whether the ``added`` rows just inserted, the last with ``last_pk``, crossed a multiple
    of ``every``."""
    return last_pk is not None and last_pk % every < added
