"""Admin for the debtor system's staff. Configuration (instances, mapping, rules, Digital
Post exemptions) is edited here; journals, letters, payments and the coverage outbox are
read-only: money is booked through the services (staff pages, bank files, portal)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bibdebitor.common.readonly_admin import ReadOnlyAdmin
from bibdebitor.debtor.models import (
    Account,
    ClaimRule,
    CoverageMessage,
    DebtorClaim,
    DigitalPostExemption,
    Document,
    InboundTransaction,
    Instance,
    MappingEntry,
    Payment,
    SenderSystem,
    SortimentSubscription,
)


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin[Instance]):
    list_display = ["name", "vendor", "coverage_mode", "instance_uuid"]


@admin.register(SenderSystem)
class SenderSystemAdmin(admin.ModelAdmin[SenderSystem]):
    list_display = ["name", "instance", "it_system_uuid", "coverage_url"]
    exclude = ["token_sha256"]


@admin.register(MappingEntry)
class MappingEntryAdmin(admin.ModelAdmin[MappingEntry]):
    list_display = ["user_key", "payment_type", "instance"]
    list_filter = ["instance"]


@admin.register(ClaimRule)
class ClaimRuleAdmin(admin.ModelAdmin[ClaimRule]):
    """Saving runs the model's ``clean``, which refuses unlawful rules (domain.collection)."""

    list_display = [
        "account_type_key",
        "user_key",
        "instance",
        "collect",
        "regime",
        "invoice_threshold_ore",
        "payment_deadline_days",
        "reminder_fee_ore",
        "max_reminders",
        "hand_over",
    ]
    list_filter = ["instance", "account_type_key", "private_law"]

    @admin.display(description=_("regime"))
    def regime(self, rule: ClaimRule) -> str:
        """Private-law is the default for every claim type; public-law is the municipality's."""
        if rule.private_law:
            return str(_("private-law (default)"))
        return str(_("public-law (the municipality's choice)"))


@admin.register(SortimentSubscription)
class SortimentSubscriptionAdmin(ReadOnlyAdmin[SortimentSubscription]):
    list_display = ["sortiment_uuid", "instance", "subscribed_at"]


@admin.register(DigitalPostExemption)
class DigitalPostExemptionAdmin(admin.ModelAdmin[DigitalPostExemption]):
    list_display = ["__str__"]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin[Account]):
    list_display = ["reference", "payment_type", "manual", "created_at"]
    list_filter = ["manual", "instance"]
    search_fields = ["reference"]


@admin.register(DebtorClaim)
class DebtorClaimAdmin(ReadOnlyAdmin[DebtorClaim]):
    list_display = ["claim_id", "origin", "payment_type", "amount_ore", "due_date"]
    list_filter = ["origin"]
    search_fields = ["claim_id"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin[Document]):
    list_display = ["__str__", "account", "channel", "issued_on", "deadline", "amount_ore"]
    list_filter = ["kind", "channel"]
    date_hierarchy = "issued_on"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin[Payment]):
    list_display = ["reference", "channel", "amount_ore", "received_on", "account"]
    list_filter = ["channel"]
    search_fields = ["reference"]


@admin.register(CoverageMessage)
class CoverageMessageAdmin(ReadOnlyAdmin[CoverageMessage]):
    list_display = ["__str__", "amount_ore", "state", "attempts", "available_at", "refusal"]
    list_filter = ["state", "kind"]


@admin.register(InboundTransaction)
class InboundTransactionAdmin(ReadOnlyAdmin[InboundTransaction]):
    list_display = ["transaction_id", "sender", "event_count", "received_at"]
    exclude = ["request_gz", "receipt"]
