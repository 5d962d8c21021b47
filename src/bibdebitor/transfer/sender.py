"""The sender worker: takes a batch from the outbox, sends it as one SOAP call over a
keep-alive connection, and records the outcome.

* The outbox is a leased queue (``common.leasedqueue``, the same engine as the debtor
  system's coverage reporter): several workers never take the same message, a crashed
  worker's messages are taken up again when its lease runs out, and per debtor account
  messages go in order. One batch is for one agency.
* Transient faults (connection errors, timeouts, 5xx, a SOAP ``Server`` fault, 408/429, and
  401/403/404 while a route or agreement is missing) put the batch back with exponential
  backoff and jitter. The receiver dedupes on transaction and event id, so a resent batch has
  no second effect.
* Business rejections become error tasks; a SOAP ``Client`` fault (our request was wrong)
  rejects every message in it. Nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bibdebitor.common.heartbeat import Heartbeat
from bibdebitor.common.identity import own_identity
from bibdebitor.common.leasedqueue import Lease, LeasedQueue
from bibdebitor.domain import actors
from bibdebitor.domain.claims import EventKind
from bibdebitor.ledger.models import Agency
from bibdebitor.ledger.services import NewEvent, append_events
from bibdebitor.protocol.client import ERROR_TEXT_LIMIT, CallOutcome, call, http_client
from bibdebitor.protocol.codec import (
    SchemaError,
    SoapFault,
    create_accounts_xml,
    encode_registration,
)
from bibdebitor.protocol.messages import (
    BusinessReceipt,
    EventReceipt,
    Header,
    Outcome,
    Service,
    SystemRef,
)
from bibdebitor.protocol.signing import Identity
from bibdebitor.transfer.models import (
    Delivery,
    ErrorTask,
    MessageKind,
    OutboxMessage,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SenderConfig:
    url: str
    token: str = ""
    batch_size: int = 500
    lease: dt.timedelta = dt.timedelta(minutes=5)
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    retry_base: float = 2.0  # seconds; doubled per attempt
    retry_cap: float = 900.0
    identity: Identity | None = None  # signs every call (the service platform checks it)

    @classmethod
    def from_settings(cls, **overrides: object) -> SenderConfig:
        values: dict[str, object] = {
            "url": settings.BIBDEBITOR_SF1590_URL,
            "token": settings.BIBDEBITOR_SF1590_TOKEN,
            "batch_size": settings.BIBDEBITOR_TRANSFER_BATCH_SIZE,
            "retry_base": settings.BIBDEBITOR_TRANSFER_RETRY_BASE,
            "read_timeout": settings.BIBDEBITOR_CALL_READ_TIMEOUT,
            "lease": dt.timedelta(seconds=settings.BIBDEBITOR_LEASE_SECONDS),
            "identity": own_identity(),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]  # the keys are this class's own fields


@dataclass(slots=True)
class BatchResult:
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    retried: int = 0
    outcome: str = ""


@dataclass(slots=True)
class _Batch:
    agency: Agency
    messages: list[OutboxMessage]
    transaction_id: uuid.UUID = field(default_factory=uuid.uuid4)


_SENT_FIELDS = (
    *("agency_id", "account_id", "claim_id", "kind", "event_id"),
    *("content", "account_content", "attempts"),
)


class Sender:
    def __init__(
        self,
        config: SenderConfig,
        *,
        name: str | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.config = config
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.client = client or http_client(config.connect_timeout, config.read_timeout)
        self.queue = LeasedQueue(
            OutboxMessage,
            owner=self.name,
            lease=config.lease,
            lane="account_id",
            group="agency_id",
            retry_base=config.retry_base,
            retry_cap=config.retry_cap,
        )

    def close(self) -> None:
        self.client.close()

    # --- the loop -----------------------------------------------------------------------

    def run(self, stop: threading.Event, idle_seconds: float = 1.0) -> None:
        heartbeat = Heartbeat("sender", self.name)
        while not stop.is_set():
            heartbeat.beat()
            result = self.run_once()
            if result.sent == 0:
                stop.wait(idle_seconds)

    def run_once(self) -> BatchResult:
        batch = self.claim_batch()
        if batch is None:
            return BatchResult()
        return self.deliver(batch)

    # --- taking -----------------------------------------------------------------------------

    def claim_batch(self) -> _Batch | None:
        # Only what sending reads: each time and date read costs a conversion.
        scope = OutboxMessage.objects.filter(agency__integration_active=True).only(*_SENT_FIELDS)
        chosen = self.queue.take(scope, self.config.batch_size, timezone.now())
        if not chosen:
            return None
        return _Batch(Agency.objects.get(pk=chosen[0].agency_id), chosen)

    # --- sending --------------------------------------------------------------------------

    def deliver(self, batch: _Batch) -> BatchResult:
        refused = len(batch.messages)
        body = self._encode(batch)
        refused -= len(batch.messages)
        if body is None:
            return BatchResult(sent=refused, rejected=refused)
        started = timezone.now()
        answer = call(
            self.client,
            self.config.url,
            self.config.token,
            Service.REGISTRATION,
            body,
            batch.transaction_id,
            self.config.identity,
        )
        archive = Delivery(
            agency=batch.agency,
            transaction_id=batch.transaction_id,
            service=Service.REGISTRATION.value,
            worker=self.name,
            started_at=started,
            message_count=len(batch.messages),
            **answer.archive(body),
        )
        if answer.outcome is CallOutcome.TRANSIENT:
            log.warning(
                "transaction %s: %d messages put back (%s)",
                batch.transaction_id,
                len(batch.messages),
                answer.error,
            )
        result = self.complete(batch, archive, answer.receipt, answer.fault)
        result.sent += refused
        result.rejected += refused
        return result

    def _encode(self, batch: _Batch) -> bytes | None:
        """The request body; messages our own schema refuses (bad master data, say) become
        error tasks at once instead of blocking their batch forever (None: none left)."""
        while batch.messages:
            try:
                return request_body(batch.agency, batch.messages, batch.transaction_id)
            except (SchemaError, ValueError):  # ValueError: text XML cannot carry
                self._refuse_invalid(batch)
        return None

    @transaction.atomic
    def _refuse_invalid(self, batch: _Batch) -> None:
        invalid: dict[uuid.UUID, EventReceipt] = {}
        for message in batch.messages:
            try:
                request_body(batch.agency, [message], batch.transaction_id)
            except (SchemaError, ValueError) as exc:
                detail = exc.detail if isinstance(exc, SchemaError) else "ugyldige tegn"
                invalid[message.event_id] = EventReceipt(
                    message.event_id,
                    Outcome.REJECTED,
                    code="UGYLDIG_BESKED",
                    text=f"Beskeden kunne ikke dannes efter skemaet: {detail}"[:300],
                )
        bad = [m for m in batch.messages if m.event_id in invalid]
        batch.messages = [m for m in batch.messages if m.event_id not in invalid]
        self._apply(_Batch(batch.agency, bad, batch.transaction_id), bad, invalid)

    # --- recording the outcome ----------------------------------------------------------

    @transaction.atomic
    def complete(
        self,
        batch: _Batch,
        archive: Delivery,
        receipt: BusinessReceipt | None,
        fault: SoapFault | None,
    ) -> BatchResult:
        archive.save()
        mine = self.queue.still_mine(batch.messages)
        if receipt is not None:
            lines = receipt.by_event()
        elif fault is not None and fault.is_client_error:
            refusal = EventReceipt(uuid.UUID(int=0), Outcome.REJECTED, code=fault.code)
            lines = {m.event_id: _with_text(refusal, m.event_id, fault) for m in mine}
        else:
            lines = {}
        return self._apply(batch, mine, lines)

    def _apply(
        self,
        batch: _Batch,
        mine: list[OutboxMessage],
        lines: dict[uuid.UUID, EventReceipt],
    ) -> BatchResult:
        now = timezone.now()
        result = BatchResult(sent=len(batch.messages))
        by_state: dict[Lease, list[OutboxMessage]] = defaultdict(list)
        retry: list[OutboxMessage] = []
        journal: list[NewEvent] = []
        tasks: list[ErrorTask] = []
        reference = str(batch.transaction_id)
        for message in mine:
            line = lines.get(message.event_id)
            if line is None:
                retry.append(message)
                continue
            accepted = line.outcome is Outcome.ACCEPTED
            by_state[Lease.DONE if accepted else Lease.REJECTED].append(message)
            if message.kind == MessageKind.CREATE and message.claim_id is not None:
                # (a hand-over always names its claim)
                kind = EventKind.ACCEPTED if accepted else EventKind.REJECTED
                note = "" if accepted else f"{line.code}: {line.text}"
                journal.append(NewEvent(message.claim_id, kind, reference=reference, note=note))
            if not accepted:
                tasks.append(_task(batch, message, line))
        for state, finished in by_state.items():
            self.queue.finish(finished, state, now)
        self.queue.put_back(retry, now)
        ErrorTask.objects.bulk_create(tasks)
        if journal:
            append_events(journal, actor=actors.system(self.name))
        result.accepted = len(by_state[Lease.DONE])
        result.rejected = len(by_state[Lease.REJECTED])
        result.retried = len(retry)
        return result


def _with_text(line: EventReceipt, event_id: uuid.UUID, fault: SoapFault) -> EventReceipt:
    text = f"Debitorsystemet afviste kaldet: {fault.message}"[:ERROR_TEXT_LIMIT]
    return EventReceipt(event_id, Outcome.REJECTED, code=line.code[:40], text=text)


def _task(batch: _Batch, message: OutboxMessage, line: EventReceipt) -> ErrorTask:
    return ErrorTask(
        agency=batch.agency,
        claim_id=message.claim_id,
        message=message,
        code=line.code[:40] or "AFVIST",
        text=line.text[:ERROR_TEXT_LIMIT] or "Afvist af debitorsystemet uden forklaring.",
        transaction_id=batch.transaction_id,
    )


# --- building the request -----------------------------------------------------------------


def header_for(agency: Agency, transaction_id: uuid.UUID) -> Header:
    return Header(
        transaction_id=transaction_id,
        transaction_time=timezone.now(),
        sender=SystemRef(agency.organisation_uuid, agency.sender_instance_uuid),  # type: ignore[arg-type]  # never None while on (backoffice.setup.ADDRESSING)
        receiver=SystemRef(agency.organisation_uuid, agency.debtor_instance_uuid),  # type: ignore[arg-type]  # never None while on (backoffice.setup.ADDRESSING)
    )


def request_body(agency: Agency, messages: list[OutboxMessage], transaction_id: uuid.UUID) -> bytes:
    """One call for the batch, in outbox order, put together from the messages' XML and
    checked against the schema (``codec.encode_registration``). Consecutive hand-overs share
    one ``OpretDebitorkonto`` (grouped per account, with the account's data as its first
    hand-over in the group told it); any other operation closes the group, so that nothing
    overtakes what came before it."""
    operations: list[str] = []
    group: dict[int, tuple[str, list[str]]] = {}  # per account: its content, its claims

    def close_group() -> None:
        if group:
            operations.append(create_accounts_xml(group.values()))
            group.clear()

    for message in messages:
        if message.kind == MessageKind.CREATE:
            _, claims = group.setdefault(message.account_id, (message.account_content, []))
            claims.append(message.content)
            continue
        close_group()
        operations.append(message.content)
    close_group()
    return encode_registration(header_for(agency, transaction_id), operations)
