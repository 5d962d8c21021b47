"""Coverage back to the library (DækningAfskrivningRegistreringAfsend), through an outbox.

A payment or write-off enqueues a message in the same transaction that books it. When it may
leave depends on the instance: immediately, or (as the real systems do) in the batch run on
weekday evenings, which is why a citizen who pays on a Friday night waits up to 72 hours.
The reporter sends the messages per library system in order, on the library sender's leased
queue (``common.leasedqueue``: lease owner, order, backoff); the library dedupes on
transaction and registration id.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bibdebitor.common.heartbeat import Heartbeat
from bibdebitor.common.identity import own_identity
from bibdebitor.common.leasedqueue import UNFINISHED, Lease, LeasedQueue
from bibdebitor.debtor import clock
from bibdebitor.debtor.models import (
    Account,
    CoverageDelivery,
    CoverageMessage,
    CoverageMode,
    DebtorClaim,
    Instance,
    SenderSystem,
)
from bibdebitor.protocol.client import CallOutcome, call, http_client
from bibdebitor.protocol.codec import encode
from bibdebitor.protocol.messages import (
    CoverageKind,
    CoverageRegistration,
    CoverageRequest,
    EventReceipt,
    Header,
    Outcome,
    Service,
    SystemRef,
)
from bibdebitor.protocol.signing import Identity

log = logging.getLogger(__name__)

NIGHTLY_RUN_HOUR = 22


def next_nightly_run(moment: dt.datetime) -> dt.datetime:
    """The first weekday-evening batch run after ``moment`` (Monday to Friday at 22:00)."""
    local = timezone.localtime(moment)
    run = local.replace(hour=NIGHTLY_RUN_HOUR, minute=0, second=0, microsecond=0)
    while run <= local or run.weekday() >= 5:
        run = (run + dt.timedelta(days=1)).replace(hour=NIGHTLY_RUN_HOUR)
    return run


def available_from(instance: Instance, moment: dt.datetime) -> dt.datetime:
    if instance.coverage_mode == CoverageMode.IMMEDIATE:
        return moment
    return next_nightly_run(moment)


def enqueue(
    account: Account,
    kind: CoverageKind,
    effective_on: dt.date,
    *,
    claim: DebtorClaim | None = None,
    amount_ore: int | None = None,
    text: str = "",
) -> CoverageMessage:
    now = clock.now()
    return CoverageMessage.objects.create(
        instance=account.instance,
        recipient_id=account.sender_id,
        registration_id=uuid.uuid4(),
        account_reference=account.reference,
        claim_id=claim.claim_id if claim else "",
        kind=kind.value,
        amount_ore=amount_ore,
        effective_on=effective_on,
        text=text[:200],
        created_at=now,
        available_at=available_from(account.instance, now),
    )


@dataclass(slots=True)
class ReportResult:
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    retried: int = 0


class CoverageReporter:
    """Sends due coverage messages; one instance of it per debtor server is enough, and more
    are safe (rows are claimed with SKIP LOCKED and leased)."""

    def __init__(
        self,
        *,
        batch_size: int = 500,
        retry_base: float = 2.0,
        retry_cap: float = 900.0,
        client: httpx.Client | None = None,
        identity: Identity | None = None,
        name: str | None = None,
    ) -> None:
        self.identity = identity or own_identity()
        self.batch_size = batch_size
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.heartbeat: Heartbeat | None = None  # while running as a worker (``run``)
        self.queue = LeasedQueue(
            CoverageMessage,
            owner=self.name,
            lease=dt.timedelta(seconds=settings.BIBDEBITOR_LEASE_SECONDS),
            lane="recipient_id",
            group="recipient_id",
            retry_base=retry_base,
            retry_cap=retry_cap,
        )
        self.client = client or http_client(read_timeout=settings.BIBDEBITOR_CALL_READ_TIMEOUT)

    def close(self) -> None:
        self.client.close()

    def run(self, stop: threading.Event, idle_seconds: float = 0.2) -> None:
        self.heartbeat = Heartbeat("coverage", self.name)
        while not stop.is_set():
            self.heartbeat.beat()
            if self.run_once().sent == 0:
                stop.wait(idle_seconds)

    def run_once(self) -> ReportResult:
        result = ReportResult()
        for recipient_id in self._recipients_waiting():
            if self.heartbeat is not None:
                self.heartbeat.beat()  # per library system: each call may take its timeout
            scope = CoverageMessage.objects.filter(recipient_id=recipient_id)
            batch = self.queue.take(scope, self.batch_size, clock.now())
            if batch:
                self._deliver(batch, result)
        return result

    def _recipients_waiting(self) -> list[int]:
        return list(
            CoverageMessage.objects.filter(state__in=UNFINISHED)
            .values_list("recipient_id", flat=True)
            .distinct()
        )

    def _deliver(self, batch: list[CoverageMessage], result: ReportResult) -> None:
        recipient = SenderSystem.objects.select_related("instance").get(pk=batch[0].recipient_id)
        transaction_id = uuid.uuid4()
        body = encode(request_for(recipient, batch, transaction_id))
        started = timezone.now()
        answer = call(
            self.client,
            recipient.coverage_url,
            recipient.coverage_token,
            Service.COVERAGE,
            body,
            transaction_id,
            self.identity,
        )
        with transaction.atomic():
            CoverageDelivery.objects.create(
                instance=recipient.instance,
                transaction_id=transaction_id,
                started_at=started,
                message_count=len(batch),
                **answer.archive(body),
            )
            # A reporter that outlived its lease leaves the messages to the one holding them.
            mine = self.queue.still_mine(batch)
            if answer.outcome is CallOutcome.TRANSIENT:
                log.warning("coverage %s put back (%s)", transaction_id, answer.error)
                self.queue.put_back(mine, clock.now())
                result.retried += len(mine)
            else:
                lines = answer.receipt.by_event() if answer.receipt else {}
                fault_text = f"{answer.fault.code}: {answer.fault.message}" if answer.fault else ""
                self._finish(mine, lines, fault_text, result)
        result.sent += len(batch)

    def _finish(
        self,
        batch: list[CoverageMessage],
        lines: dict[uuid.UUID, EventReceipt],
        fault_text: str,
        result: ReportResult,
    ) -> None:
        now = timezone.now()
        done: list[CoverageMessage] = []
        for message in batch:
            line = lines.get(message.registration_id)
            if line is not None and line.outcome is Outcome.ACCEPTED:
                done.append(message)
                continue
            refusal = f"{line.code}: {line.text}" if line else fault_text or "intet svar"
            self.queue.finish([message], Lease.REJECTED, now, refusal=refusal[:340])
            result.rejected += 1
        self.queue.finish(done, Lease.DONE, now)
        result.accepted += len(done)


def request_for(
    recipient: SenderSystem, messages: Iterable[CoverageMessage], transaction_id: uuid.UUID
) -> CoverageRequest:
    instance = recipient.instance
    header = Header(
        transaction_id=transaction_id,
        transaction_time=timezone.now(),
        sender=SystemRef(instance.organisation_uuid, instance.instance_uuid),
        receiver=SystemRef(instance.organisation_uuid, recipient.it_system_uuid),
    )
    return CoverageRequest(
        header,
        tuple(
            CoverageRegistration(
                registration_id=m.registration_id,
                account_reference=m.account_reference,
                kind=CoverageKind(m.kind),
                effective_on=m.effective_on,
                claim_id=m.claim_id,
                amount_ore=m.amount_ore,
                text=m.text,
            )
            for m in messages
        ),
    )
