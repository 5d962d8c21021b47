"""Staff views of the transfer engine: read-only, except sending a refused hand-over again.
The full task workflow belongs to the back-office."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bibdebitor.common.readonly_admin import ReadOnlyAdmin
from bibdebitor.common.web import staff_actor
from bibdebitor.domain.errors import DomainError
from bibdebitor.transfer.models import (
    Delivery,
    ErrorTask,
    InboxMessage,
    IntegrationActivation,
    OutboxMessage,
)
from bibdebitor.transfer.tasks import retry


@admin.register(ErrorTask)
class ErrorTaskAdmin(ReadOnlyAdmin[ErrorTask]):
    list_display = ["created_at", "agency", "claim", "code", "text", "resolved"]
    list_filter = ["agency", "code"]
    actions = ["send_again"]

    @admin.display(boolean=True, description=_("resolved"))
    def resolved(self, task: ErrorTask) -> bool:
        return hasattr(task, "resolution")

    @admin.action(description=_("Send the claim again (after fixing the cause)"))
    def send_again(self, request: HttpRequest, tasks: QuerySet[ErrorTask]) -> None:
        for task in tasks:
            try:
                retry(task, actor=staff_actor(request))
            except DomainError as error:
                self.message_user(request, f"{task}: {gettext(error.message)}", messages.ERROR)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin[OutboxMessage]):
    list_display = ["id", "agency", "kind", "claim", "state", "attempts", "available_at"]
    list_filter = ["agency", "state", "kind"]
    exclude = ["content", "account_content"]  # hold CPR numbers


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin[Delivery]):
    list_display = ["started_at", "agency", "transaction_id", "message_count", "outcome"]
    list_filter = ["agency", "outcome"]
    exclude = ["request_gz", "response_gz"]  # hold CPR numbers


@admin.register(IntegrationActivation)
class IntegrationActivationAdmin(ReadOnlyAdmin[IntegrationActivation]):
    list_display = ["occurred_at", "agency", "active", "cutoff_date", "preview_code", "actor"]


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin[InboxMessage]):
    list_display = ["received_at", "agency", "transaction_id", "registration_count"]
    list_filter = ["agency"]
    exclude = ["request_gz"]
