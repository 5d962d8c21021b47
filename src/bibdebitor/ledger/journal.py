"""The one way the ledger's journals are written, and what follows from each write.

Every claim-journal row (from ``services.append_events``, the CSV import, the generator, and
the transfer engine's own receipts and hand-overs through ``append_events``) is saved by
``write_claim_events``; every CPR/CVR change by ``write_identifier_changes``. Each then
calls the parts that act on it, named below, in the same database transaction: one that raises
rolls the change back, so the ledger and the outbox never disagree. A reader of the ledger
sees every consequence of a journal write here — there is no signal to discover.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, NamedTuple

from django.utils.module_loading import import_string

from bibdebitor.common import bulk
from bibdebitor.domain import actors
from bibdebitor.ledger.models import ClaimEvent, Guardian, IdentifierChange, Patron

# Who acts on a write, by dotted path (the transfer engine sits above the ledger, so the
# ledger names it rather than importing it): it enqueues what the debtor system must learn.
ON_CLAIM_EVENTS = ("bibdebitor.transfer.outbox.on_claim_events",)
ON_IDENTIFIER_CHANGED = ("bibdebitor.transfer.outbox.on_identifier_changed",)


class JournalLine(NamedTuple):
    """A claim-journal row as it is written (the columns of ``ClaimEvent``). A hand-over
    writes two a claim: a plain row costs less than the model instance it would be."""

    claim_id: int
    seq: int
    kind: str
    occurred_at: dt.datetime
    actor: str
    amount_ore: int = 0
    delta_ore: int = 0
    reference: str = ""
    note: str = ""


@cache
def _handlers(paths: tuple[str, ...]) -> tuple[Callable[..., Any], ...]:
    return tuple(import_string(path) for path in paths)


def write_claim_events(rows: Sequence[JournalLine]) -> None:
    """Save journal rows (in journal order; one claim may have several) and act on them.
    Each row names who acted in the one actor format (``domain.actors``)."""
    for actor in {row.actor for row in rows}:
        actors.check(actor)
    bulk.insert_tuples(ClaimEvent, rows)
    for handler in _handlers(ON_CLAIM_EVENTS):
        handler(list(rows))


def write_identifier_changes(
    rows: Sequence[IdentifierChange],
    *,
    patron: Patron | None = None,
    guardian: Guardian | None = None,
    effective_on: dt.date,
) -> None:
    """Save the journal of a patron's or a guardian's CPR/CVR change and act on it."""
    for actor in {row.actor for row in rows}:
        actors.check(actor)
    IdentifierChange.objects.bulk_create(rows)
    for handler in _handlers(ON_IDENTIFIER_CHANGED):
        handler(patron=patron, guardian=guardian, effective_on=effective_on)
