"""Staff data entry. CPR numbers are masked in lists and forms; only users with the
``ledger.view_cpr`` permission see them in full, and every such view is written to
``PersonalDataAccess``. CPR numbers are never searchable from the list (they would end up in
URLs and access logs)."""

from __future__ import annotations

from typing import Any, TypedDict, TypeVar

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import WithAnnotations

from bibdebitor.common.web import staff_actor
from bibdebitor.domain.claims import Lifecycle, TransferStatus
from bibdebitor.domain.errors import DomainError
from bibdebitor.domain.money import format_kroner
from bibdebitor.ledger import services
from bibdebitor.ledger.forms import ClaimCreateForm, ConsentForm, PatronForm
from bibdebitor.ledger.models import (
    Agency,
    Claim,
    ClaimEvent,
    ClaimMaterial,
    Guardian,
    GuardianConsent,
    Patron,
    PersonalDataAccess,
)
from bibdebitor.ledger.selectors import claim_state, claims_with_open_balance

LIFECYCLE_LABELS = {
    Lifecycle.OPEN: _("open"),
    Lifecycle.SETTLED: _("settled"),
    Lifecycle.CANCELLED: _("cancelled"),
}
TRANSFER_LABELS = {
    TransferStatus.AT_LIBRARY: _("at the library"),
    TransferStatus.QUEUED: _("queued for transfer"),
    TransferStatus.TRANSFERRED: _("transferred"),
    TransferStatus.ACCEPTED: _("accepted by debtor system"),
    TransferStatus.REJECTED: _("rejected by debtor system"),
}


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "agency_id", "debtor_vendor", "cutoff_date", "integration_active"]
    search_fields = ["name", "agency_id"]


def can_view_cpr(request: HttpRequest) -> bool:
    return request.user.has_perm("ledger.view_cpr")


_Masked = TypeVar("_Masked", Patron, Guardian)


class CprMaskingAdmin(admin.ModelAdmin[_Masked]):
    """Shows ``masked_cpr`` instead of ``cpr`` unless the user may see CPR numbers; logs
    each change view that does show one."""

    audit_field = "patron"

    @admin.display(description=_("CPR number"))
    def masked_cpr(self, obj: _Masked) -> str:
        return obj.masked_cpr

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and not can_view_cpr(request):
            return ["cpr"]
        return []

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and not can_view_cpr(request):
            return ["masked_cpr"]
        return []

    def change_view(
        self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        if request.method == "GET" and can_view_cpr(request):
            obj = self.get_object(request, object_id)
            # The admin site lets only signed-in staff this far: a real user.
            if obj is not None and obj.cpr and isinstance(request.user, User):
                PersonalDataAccess.objects.create(
                    user=request.user, context="admin", **{self.audit_field: obj}
                )
        return super().change_view(request, object_id, *args, **kwargs)


@admin.register(Patron)
class PatronAdmin(CprMaskingAdmin[Patron]):
    form = PatronForm
    list_display = ["patron_number", "name", "kind", "masked_cpr", "cvr", "agency"]
    list_filter = ["agency", "kind"]
    search_fields = ["patron_number", "name"]

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Patron, form: Any, change: bool) -> None:
        """A changed CPR/CVR goes through the service: journalled and told to the debtor."""
        if not change:
            return super().save_model(request, obj, form, change)
        before = Patron.objects.get(pk=obj.pk)
        cpr, cvr = obj.cpr, obj.cvr
        obj.cpr, obj.cvr = before.cpr, before.cvr
        super().save_model(request, obj, form, change)
        if (cpr, cvr) != (before.cpr, before.cvr):
            services.change_identifier(obj, cpr=cpr, cvr=cvr, actor=staff_actor(request))
        return None


@admin.register(Guardian)
class GuardianAdmin(CprMaskingAdmin[Guardian]):
    audit_field = "guardian"
    list_display = ["name", "masked_cpr", "agency"]
    list_filter = ["agency"]
    search_fields = ["name"]

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Guardian, form: Any, change: bool) -> None:
        if not change:
            return super().save_model(request, obj, form, change)
        cpr = obj.cpr
        obj.cpr = Guardian.objects.get(pk=obj.pk).cpr
        super().save_model(request, obj, form, change)
        if cpr != obj.cpr:
            services.change_guardian_cpr(obj, cpr, actor=staff_actor(request))
        return None


@admin.register(GuardianConsent)
class GuardianConsentAdmin(admin.ModelAdmin[GuardianConsent]):
    form = ConsentForm
    list_display = [
        "patron",
        "guardian",
        "kind",
        "effective_on",
        "journal_reference",
        "recorded_by",
    ]
    list_filter = ["kind"]
    raw_id_fields = ["patron", "guardian"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: GuardianConsent, form: Any, change: bool
    ) -> None:
        saved = services.record_consent(
            obj.patron,
            obj.guardian,
            effective_on=obj.effective_on,
            journal_reference=obj.journal_reference,
            kind=obj.kind,
            actor=staff_actor(request),
        )
        obj.pk = saved.pk


class MaterialInline(admin.TabularInline[ClaimMaterial, Claim]):
    model = ClaimMaterial
    extra = 0


class EventInline(admin.TabularInline[ClaimEvent, Claim]):
    model = ClaimEvent
    fields = ("seq", "kind", "amount_kr", "delta_kr", "occurred_at", "actor", "reference", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["seq"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("amount"))
    def amount_kr(self, event: ClaimEvent) -> str:
        return format_kroner(event.amount_ore)

    @admin.display(description=_("balance change"))
    def delta_kr(self, event: ClaimEvent) -> str:
        return format_kroner(event.delta_ore)


class _OpenBalance(TypedDict):
    open_ore: int  # annotated by claims_with_open_balance (the admin's queryset)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin[Claim]):
    list_display = [
        "claim_number",
        "patron",
        "kind",
        "amount_kr",
        "open_kr",
        "created_on",
        "due_date",
    ]
    list_filter = ["agency", "kind"]
    search_fields = ["claim_number", "patron__patron_number", "patron__name"]
    date_hierarchy = "created_on"
    raw_id_fields = ["patron"]
    actions = ["cancel_claims", "reopen_claims"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return claims_with_open_balance(super().get_queryset(request)).select_related("patron")

    def get_form(
        self, request: HttpRequest, obj: Claim | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Claim]]:
        if obj is None:
            kwargs["form"] = ClaimCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return (
                "patron",
                "claim_number",
                "kind",
                "amount",
                "created_on",
                "due_date",
                "reason",
                "acknowledgement_reference",
            )
        return (
            "agency",
            "patron",
            "claim_number",
            "kind",
            "amount_kr",
            "state",
            "created_on",
            "due_date",
            "reason",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if obj is None else self.get_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[type]:
        return [] if obj is None else [MaterialInline, EventInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("amount"), ordering="amount_ore")
    def amount_kr(self, claim: Claim) -> str:
        return format_kroner(claim.amount_ore)

    @admin.display(description=_("open"), ordering="open_ore")
    def open_kr(self, claim: WithAnnotations[Claim, _OpenBalance]) -> str:
        return format_kroner(claim.open_ore)

    @admin.display(description=_("state"))
    def state(self, claim: Claim) -> str:
        state = claim_state(claim)
        return f"{LIFECYCLE_LABELS[state.lifecycle]} / {TRANSFER_LABELS[state.transfer]}"

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        data = form.cleaned_data
        claim = services.create_claim(
            data["patron"],
            claim_number=data["claim_number"],
            kind=data["kind"],
            amount_ore=data["amount"],
            created_on=data["created_on"],
            due_date=data["due_date"],
            reason=data["reason"],
            acknowledgement_reference=data["acknowledgement_reference"],
            actor=staff_actor(request),
        )
        obj.pk = claim.pk

    def _apply_each(self, request: HttpRequest, claims: QuerySet[Claim], action: Any) -> None:
        done = 0
        for claim in claims:
            try:
                action(claim, actor=staff_actor(request))
                done += 1
            except DomainError as error:
                self.message_user(
                    request, f"{claim.claim_number}: {gettext(error.message)}", messages.ERROR
                )
        if done:
            self.message_user(request, gettext("%(count)d claims updated.") % {"count": done})

    @admin.action(description=_("Cancel the selected claims"))
    def cancel_claims(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._apply_each(request, queryset, services.cancel)

    @admin.action(description=_("Reopen the selected claims"))
    def reopen_claims(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._apply_each(request, queryset, services.reopen)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin[PersonalDataAccess]):
    list_display = ["occurred_at", "user", "patron", "guardian", "context"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
