"""Error tasks (opgaver): what staff do about a refusal from the debtor system."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from bibdebitor.domain import actors
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.ledger.services import cancel
from bibdebitor.transfer.models import ErrorTask, ErrorTaskResolution, MessageKind, Resolution
from bibdebitor.transfer.outbox import enqueue_claims


def open_tasks() -> QuerySet[ErrorTask]:
    return ErrorTask.objects.filter(resolution__isnull=True)


def _resolve(task: ErrorTask, action: str, actor: str, note: str) -> ErrorTaskResolution:
    if ErrorTaskResolution.objects.filter(task=task).exists():
        raise DomainError("task_resolved", gettext_noop("The task is already resolved."))
    return ErrorTaskResolution.objects.create(
        task=task, action=action, actor=actors.check(actor), note=note
    )


@transaction.atomic
def retry(task: ErrorTask, *, actor: str, note: str = "") -> int:
    """After the cause is fixed (the patron's data, the debtor's mapping table): hand the
    claim over again, with today's data. Returns how many messages were enqueued."""
    if (
        task.message is None
        or task.message.kind != MessageKind.CREATE
        or task.claim_id is None  # (a hand-over always names its claim)
    ):
        raise DomainError(
            "task_not_retryable",
            gettext_noop("Only a refused hand-over can be sent again; correct the claim instead."),
        )
    _resolve(task, Resolution.RETRIED, actor, note)
    return enqueue_claims(task.agency, [task.claim_id], actor=actor)


def retry_many(tasks: Iterable[ErrorTask], *, actor: str) -> tuple[int, list[ErrorTask]]:
    """Retry each task that can be retried; return how many were and those that could not."""
    retried, refused = 0, []
    for task in tasks:
        try:
            retry(task, actor=actor)
        except DomainError:
            refused.append(task)
        else:
            retried += 1
    return retried, refused


def _require_note(note: str) -> None:
    if not note.strip():
        raise DomainError("task_note_required", gettext_noop("Say why the task is closed."))


def dismiss(task: ErrorTask, *, actor: str, note: str) -> ErrorTaskResolution:
    """Close a task without sending again; a note says why."""
    _require_note(note)
    with transaction.atomic():
        return _resolve(task, Resolution.DISMISSED, actor, note)


def cancel_claim(task: ErrorTask, *, actor: str, note: str) -> ErrorTaskResolution:
    """Close a task by cancelling its claim in the ledger (a handed-over claim is then
    cancelled in the debtor system too, through the outbox)."""
    _require_note(note)
    if task.claim is None:
        raise DomainError("task_without_claim", gettext_noop("The task concerns no claim."))
    with transaction.atomic():
        resolution = _resolve(task, Resolution.CANCELLED, actor, note)
        cancel(task.claim, actor=actor, note=note)
        return resolution
