"""Coverage back to the library (DækningAfskrivningRegistreringAfsend), through an outbox.

A payment or write-off enqueues a message in the same transaction that books it. When it may
leave depends on the instance: immediately, or (as the real systems do) in the batch run on
weekday evenings, which is why a citizen who pays on a Friday night waits up to 72 hours.
The reporter sends the messages per library system in order, with the library sender's
retry rules (``protocol.client``); the library dedupes on transaction and registration id.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bibdebitor.debtor import clock
from bibdebitor.debtor.models import (
    Account,
    CoverageDelivery,
    CoverageMessage,
    CoverageMode,
    DebtorClaim,
    Instance,
    QueueState,
    SenderSystem,
)
from bibdebitor.identity import own_identity
from bibdebitor.protocol.client import CallOutcome, backoff, call, http_client
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
    ) -> None:
        self.identity = identity or own_identity()
        self.batch_size = batch_size
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.client = client or http_client(read_timeout=settings.BIBDEBITOR_CALL_READ_TIMEOUT)

    def close(self) -> None:
        self.client.close()

    def run(self, stop: threading.Event, idle_seconds: float = 0.2) -> None:
        while not stop.is_set():
            if self.run_once().sent == 0:
                stop.wait(idle_seconds)

    def run_once(self) -> ReportResult:
        result = ReportResult()
        for recipient_id in self._recipients_waiting():
            batch = self._claim(recipient_id)
            if batch:
                self._deliver(batch, result)
        return result

    def _recipients_waiting(self) -> list[int]:
        return list(
            CoverageMessage.objects.filter(state__in=(QueueState.PENDING, QueueState.LEASED))
            .values_list("recipient_id", flat=True)
            .distinct()
        )

    def _claim(self, recipient_id: int) -> list[CoverageMessage]:
        """The recipient's unfinished messages in order, up to the first one not yet due:
        a message waiting for a retry holds back everything after it."""
        now = clock.now()
        with transaction.atomic():
            unfinished = (
                CoverageMessage.objects.select_for_update(skip_locked=True)
                .filter(
                    recipient_id=recipient_id, state__in=(QueueState.PENDING, QueueState.LEASED)
                )
                .order_by("id")[: self.batch_size]
            )
            due: list[CoverageMessage] = []
            for message in unfinished:
                waiting = message.state == QueueState.PENDING and message.available_at > now
                leased = message.state == QueueState.LEASED and message.lease_until > now
                if waiting or leased:
                    break
                due.append(message)
            CoverageMessage.objects.filter(pk__in=[m.pk for m in due]).update(
                state=QueueState.LEASED,
                lease_until=now + dt.timedelta(seconds=settings.BIBDEBITOR_LEASE_SECONDS),
            )
        return due

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
            if answer.outcome is CallOutcome.TRANSIENT:
                log.warning("coverage %s put back (%s)", transaction_id, answer.error)
                self._put_back(batch)
                result.retried += len(batch)
            else:
                lines = answer.receipt.by_event() if answer.receipt else {}
                fault_text = f"{answer.fault.code}: {answer.fault.message}" if answer.fault else ""
                self._finish(batch, lines, fault_text, result)
        result.sent += len(batch)

    def _put_back(self, batch: list[CoverageMessage]) -> None:
        attempts = max(m.attempts for m in batch) + 1
        delay = dt.timedelta(seconds=backoff(attempts, self.retry_base, self.retry_cap))
        CoverageMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
            state=QueueState.PENDING,
            attempts=attempts,
            available_at=clock.now() + delay,
            lease_until=None,
        )

    def _finish(
        self,
        batch: list[CoverageMessage],
        lines: dict[uuid.UUID, EventReceipt],
        fault_text: str,
        result: ReportResult,
    ) -> None:
        now = timezone.now()
        done: list[int] = []
        for message in batch:
            line = lines.get(message.registration_id)
            if line is not None and line.outcome is Outcome.ACCEPTED:
                done.append(message.pk)
                continue
            refusal = f"{line.code}: {line.text}" if line else fault_text or "intet svar"
            CoverageMessage.objects.filter(pk=message.pk).update(
                state=QueueState.REJECTED, finished_at=now, lease_until=None, refusal=refusal[:340]
            )
            result.rejected += 1
        CoverageMessage.objects.filter(pk__in=done).update(
            state=QueueState.DONE, finished_at=now, lease_until=None
        )
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
