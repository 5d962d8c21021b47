from django.contrib import admin

from bibdebitor.debtor.models import (
    Account,
    DebtorClaim,
    InboundTransaction,
    Instance,
    MappingEntry,
    SenderSystem,
)


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "instance_uuid"]


@admin.register(SenderSystem)
class SenderSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "instance", "it_system_uuid"]
    exclude = ["token_sha256"]


@admin.register(MappingEntry)
class MappingEntryAdmin(admin.ModelAdmin):
    list_display = ["user_key", "payment_type", "instance"]
    list_filter = ["instance"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["reference", "payment_type", "created_at"]
    search_fields = ["reference"]


@admin.register(DebtorClaim)
class DebtorClaimAdmin(admin.ModelAdmin):
    list_display = ["claim_id", "payment_type", "amount_ore", "due_date"]
    search_fields = ["claim_id"]


@admin.register(InboundTransaction)
class InboundTransactionAdmin(admin.ModelAdmin):
    list_display = ["transaction_id", "sender", "event_count", "received_at"]
    exclude = ["request_gz", "receipt"]
