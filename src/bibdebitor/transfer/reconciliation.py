"""Reconciliation (afstemning): the ledger against the debtor system's claim statement, claim
by claim and in totals per debtor account type and claim type.

The ledger side is read with two aggregate queries (journal sums and counts per claim, outbox
states per claim), the debtor side is streamed page by page over one keep-alive connection,
and each claim is compared as it arrives (``domain.reconciliation.compare``). The run and its
discrepancies are written once, at the end.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from bibdebitor.domain import actors
from bibdebitor.domain.claims import TransferStatus
from bibdebitor.domain.reconciliation import DebtorView, LibraryView, Totals, compare
from bibdebitor.domain.references import claim_reference, parse_claim_reference
from bibdebitor.ledger.models import Agency, ClaimEvent
from bibdebitor.ledger.selectors import journal_summaries
from bibdebitor.protocol.client import ERROR_TEXT_LIMIT, http_client
from bibdebitor.transfer.models import (
    DebtorAccount,
    Discrepancy,
    MessageKind,
    MessageState,
    OutboxMessage,
    ReconciliationRun,
)

_Page = list[dict[str, Any]]  # statement lines as the debtor system's JSON has them
BATCH_SIZE = 2_000
UNKNOWN = "?"


class StatementUnavailable(Exception):
    """The debtor system's statement could not be read (the run is recorded as failed)."""


@dataclass(frozen=True, slots=True)
class StatementSource:
    url: str
    token: str
    page_size: int = 10_000
    read_timeout: float = 120.0

    @classmethod
    def from_settings(cls) -> StatementSource:
        return cls(settings.BIBDEBITOR_SF1590_STATEMENT_URL, settings.BIBDEBITOR_SF1590_TOKEN)


@dataclass(frozen=True, slots=True)
class LedgerClaim:
    pk: int
    kind: str
    account_type: str
    view: LibraryView


def ledger_claims(agency: Agency) -> dict[int, LedgerClaim]:
    """Every claim the ledger ever handed over, by claim number."""
    outbox = {
        claim_id: (unsent, delivered, account_type)
        for claim_id, unsent, delivered, account_type in OutboxMessage.objects.filter(
            agency=agency, claim__isnull=False
        )
        .values("claim_id")
        .annotate(
            unsent=Count("id", filter=Q(state__in=[MessageState.PENDING, MessageState.LEASED])),
            delivered=Count("id", filter=Q(kind=MessageKind.CREATE, state=MessageState.DONE)),
            account_type=Max("account__account_type"),
        )
        .values_list("claim_id", "unsent", "delivered", "account_type")
    }
    summaries = journal_summaries(
        ClaimEvent.objects.filter(claim__agency=agency),
        "claim__claim_number",
        "claim__kind",
        transferred_only=True,
    )
    result: dict[int, LedgerClaim] = {}
    for summary, number, kind in summaries:
        unsent, delivered, account_type = outbox.get(summary.claim_id, (0, 0, UNKNOWN))
        view = LibraryView(
            open=summary.open,
            covered=summary.covered,
            written_off=summary.written_off,
            cancelled=summary.cancelled,
            transfer=summary.transfer,
            delivered=delivered > 0,
            unsent=unsent > 0,
        )
        result[number] = LedgerClaim(summary.claim_id, kind, account_type, view)
    return result


def statement_pages(source: StatementSource, client: httpx.Client) -> Iterator[_Page]:
    """The debtor system's statement, page by page, as it arrives."""
    cursor = 0
    headers = {"Authorization": f"Bearer {source.token}"}
    while True:
        try:
            response = client.get(
                source.url, params={"efter": cursor, "antal": source.page_size}, headers=headers
            )
        except httpx.HTTPError as error:
            raise StatementUnavailable(f"{type(error).__name__}: {error}") from None
        if response.status_code != 200:
            raise StatementUnavailable(
                f"HTTP {response.status_code}: {response.text[:200]}".strip()
            )
        try:
            page = response.json()
            lines, cursor = page["fordringer"], int(page["naeste"])
        except (ValueError, KeyError, TypeError):
            raise StatementUnavailable("the statement is not the expected JSON") from None
        if not lines:
            return
        yield lines


class _Done(Enum):
    DONE = "done"  # the reading thread has put every page


_DONE = _Done.DONE


def in_background(pages: Iterator[_Page], depth: int = 8) -> Iterator[_Page]:
    """Read pages in a thread (it waits on the debtor system, not on this process) so that
    the ledger can be read meanwhile; errors are raised here, in order."""
    found: queue.Queue[_Page | Exception | _Done] = queue.Queue(maxsize=depth)

    def fetch() -> None:
        try:
            for page in pages:
                found.put(page)
        except Exception as error:  # handed over to the reading side, never lost
            found.put(error)
        found.put(_DONE)

    threading.Thread(target=fetch, name="statement-reader", daemon=True).start()
    return _drain(found)


def _drain(found: queue.Queue[_Page | Exception | _Done]) -> Iterator[_Page]:
    while (item := found.get()) is not _DONE:
        if isinstance(item, Exception):
            raise item
        yield item


def _debtor_view(line: dict[str, Any]) -> DebtorView:
    try:
        return DebtorView(
            open=int(line["open_ore"]),
            paid=int(line["paid_ore"]),
            written_off=int(line["written_off_ore"]),
            state=str(line["state"]),
        )
    except (KeyError, TypeError, ValueError):
        raise StatementUnavailable("a statement line is incomplete") from None


def _library_state(view: LibraryView) -> str:
    if view.cancelled:
        return "cancelled"
    if view.transfer is TransferStatus.REJECTED:
        return "rejected"
    return "open" if view.open > 0 else "settled"


class _Comparison:
    def __init__(self, agency: Agency) -> None:
        self.agency = agency
        self.ledger = ledger_claims(agency)
        self.library_claims = len(self.ledger)
        self.debtor_claims = 0
        self.totals = Totals()
        self.found: list[Discrepancy] = []
        self._account_types: dict[str, str] | None = None

    def line(self, line: dict[str, Any]) -> None:
        agency_id, number = parse_claim_reference(str(line.get("claim_id", "")))
        if agency_id != self.agency.agency_id:
            return  # another agency served by the same library system
        self.debtor_claims += 1
        debtor = _debtor_view(line)
        claim = self.ledger.pop(number, None) if number is not None else None
        if claim is None:
            group = (self._account_type(str(line.get("account_reference", ""))), UNKNOWN)
            self.totals.add(group, None, debtor.open)
            self._note(str(line["claim_id"]), None, debtor, group)
            return
        self.totals.add((claim.account_type, claim.kind), claim.view.open, debtor.open)
        self._note(str(line["claim_id"]), claim, debtor, (claim.account_type, claim.kind))

    def remaining(self) -> None:
        """The ledger's claims the statement did not mention."""
        for number, claim in self.ledger.items():
            self.totals.add((claim.account_type, claim.kind), claim.view.open, None)
            group = (claim.account_type, claim.kind)
            self._note(claim_reference(self.agency.agency_id, number), claim, None, group)

    def _note(
        self,
        claim_ref: str,
        claim: LedgerClaim | None,
        debtor: DebtorView | None,
        group: tuple[str, str],
    ) -> None:
        cause = compare(claim.view if claim else None, debtor)
        if cause is None:
            return
        account_type, kind = group
        self.found.append(
            Discrepancy(
                claim_id=claim.pk if claim else None,
                claim_ref=claim_ref,
                cause=cause,
                account_type=account_type,
                claim_kind=kind if kind != UNKNOWN else "",
                library_open_ore=claim.view.open if claim else None,
                debtor_open_ore=debtor.open if debtor else None,
                library_state=_library_state(claim.view) if claim else "",
                debtor_state=debtor.state if debtor else "",
            )
        )

    def _account_type(self, reference: str) -> str:
        if self._account_types is None:
            self._account_types = dict(
                DebtorAccount.objects.filter(agency=self.agency).values_list(
                    "reference", "account_type"
                )
            )
        return self._account_types.get(reference, UNKNOWN)


def reconcile(
    agency: Agency,
    source: StatementSource | None = None,
    *,
    actor: str,
    client: httpx.Client | None = None,
) -> ReconciliationRun:
    """Compare the agency's ledger with its debtor system and record the run."""
    source = source or StatementSource.from_settings()
    started = timezone.now()
    own_client = client is None
    client = client or http_client(5.0, source.read_timeout)
    try:
        pages = in_background(statement_pages(source, client))
        comparison = _Comparison(agency)
        for page in pages:
            for line in page:
                comparison.line(line)
        comparison.remaining()
    except StatementUnavailable as error:
        return ReconciliationRun.objects.create(
            agency=agency,
            started_at=started,
            finished_at=timezone.now(),
            actor=actors.check(actor),
            error=str(error)[:ERROR_TEXT_LIMIT],
        )
    finally:
        if own_client:
            client.close()
    return _record(agency, comparison, started, actor)


@transaction.atomic
def _record(
    agency: Agency, comparison: _Comparison, started: dt.datetime, actor: str
) -> ReconciliationRun:
    run = ReconciliationRun.objects.create(
        agency=agency,
        started_at=started,
        finished_at=timezone.now(),
        actor=actors.check(actor),
        library_claims=comparison.library_claims,
        debtor_claims=comparison.debtor_claims,
        discrepancy_count=len(comparison.found),
        totals=comparison.totals.rows(),
    )
    for discrepancy in comparison.found:
        discrepancy.run = run
    Discrepancy.objects.bulk_create(comparison.found, batch_size=BATCH_SIZE)
    return run
