"""Error tasks (opgaver): what staff do about a refusal from the debtor system."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.transfer.models import ErrorTask, ErrorTaskResolution, MessageKind, Resolution
from bibdebitor.transfer.outbox import enqueue_claims


def open_tasks() -> QuerySet[ErrorTask]:
    return ErrorTask.objects.filter(resolution__isnull=True)


def _resolve(task: ErrorTask, action: str, actor: str, note: str) -> ErrorTaskResolution:
    if ErrorTaskResolution.objects.filter(task=task).exists():
        raise DomainError("task_resolved", gettext_noop("The task is already resolved."))
    return ErrorTaskResolution.objects.create(task=task, action=action, actor=actor, note=note)


@transaction.atomic
def retry(task: ErrorTask, *, actor: str, note: str = "") -> int:
    """After the cause is fixed (the patron's data, the debtor's mapping table): hand the
    claim over again, with today's data. Returns how many messages were enqueued."""
    if task.message is None or task.message.kind != MessageKind.CREATE:
        raise DomainError(
            "task_not_retryable",
            gettext_noop("Only a refused hand-over can be sent again; correct the claim instead."),
        )
    _resolve(task, Resolution.RETRIED, actor, note)
    return enqueue_claims(task.agency, [task.claim_id], actor=actor)


def dismiss(task: ErrorTask, *, actor: str, note: str) -> ErrorTaskResolution:
    """Close a task without sending again; a note says why."""
    if not note.strip():
        raise DomainError("task_note_required", gettext_noop("Say why the task is closed."))
    with transaction.atomic():
        return _resolve(task, Resolution.DISMISSED, actor, note)
