"""The reference debtor system's own tables (no table is shared with the library side).

An ``Instance`` is one municipality's debtor system (KMD Opus, Fujitsu Prisme, EG ØS Indsigt);
one server can host several. Claims (fordringer) and their changes are append-only journals;
the inbox records every transaction and event received, with the receipt given, so that a
resent call is answered again without a second effect.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bibdebitor.appendonly import AppendOnlyModel


class Vendor(models.TextChoices):
    KMD_OPUS = "kmd_opus", "KMD Opus Debitor"
    PRISME_2015 = "prisme_2015", "Fujitsu Prisme 2015"
    PRISME_2009 = "prisme_2009", "Fujitsu Prisme 2009"
    EG_OS = "eg_os", "EG ØS Indsigt"


class Instance(models.Model):
    name = models.CharField(_("name"), max_length=200)
    organisation_uuid = models.UUIDField(_("organisation"))
    instance_uuid = models.UUIDField(_("IT system instance"), unique=True)
    vendor = models.CharField(_("vendor profile"), max_length=20, choices=Vendor.choices)

    class Meta:
        verbose_name = _("debtor system instance")
        verbose_name_plural = _("debtor system instances")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_vendor_display()})"


class SenderSystem(models.Model):
    """A library system allowed to call this instance, by IT-system instance and token."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="senders")
    it_system_uuid = models.UUIDField(_("IT system instance"))
    token_sha256 = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("sending system")
        verbose_name_plural = _("sending systems")
        constraints = [
            models.UniqueConstraint(fields=["instance", "it_system_uuid"], name="sender_unique")
        ]

    def __str__(self) -> str:
        return self.name


class MappingEntry(models.Model):
    """A line of the omsætningstabel: a sortiment class mapped to a local payment type.
    A claim whose class has no line is refused."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="mapping")
    class_uuid = models.UUIDField(_("class UUID"))
    user_key = models.CharField(_("user-facing key"), max_length=50)
    payment_type = models.CharField(_("payment type"), max_length=30)

    class Meta:
        verbose_name = _("mapping table line")
        verbose_name_plural = _("mapping table")
        constraints = [
            models.UniqueConstraint(fields=["instance", "class_uuid"], name="mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_key} → {self.payment_type}"


class Account(models.Model):
    """A debitorkonto, identified by the sender's reference."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="accounts")
    sender = models.ForeignKey(SenderSystem, on_delete=models.PROTECT, related_name="accounts")
    reference = models.CharField(_("reference"), max_length=64)
    account_type_uuid = models.UUIDField(_("account type"))
    payment_type = models.CharField(_("payment type"), max_length=30)
    org_unit_uuid = models.UUIDField(_("organisational unit"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("debtor account")
        verbose_name_plural = _("debtor accounts")
        constraints = [
            models.UniqueConstraint(fields=["instance", "reference"], name="account_unique")
        ]

    def __str__(self) -> str:
        return self.reference


class Liability(AppendOnlyModel):
    """Who is liable on an account, from when (a CPR/CVR change adds a row)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="liabilities")
    cpr = models.CharField(_("CPR number"), max_length=10, blank=True)
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True)
    p_number = models.CharField(_("P-number"), max_length=10, blank=True)
    gln = models.CharField(_("EAN number"), max_length=13, blank=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    effective_on = models.DateField(_("effective from"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("liability")
        verbose_name_plural = _("liabilities")
        ordering = ["account", "id"]


class DebtorClaim(models.Model):
    """A fordring as received. Its facts are fixed; what happens to it is a ``ClaimEntry``."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="claims")
    claim_id = models.CharField(_("claim id"), max_length=64, db_index=True)
    claim_type_uuid = models.UUIDField(_("claim type"))
    payment_type = models.CharField(_("payment type"), max_length=30)
    amount_ore = models.BigIntegerField(_("amount (øre)"))
    founded_on = models.DateField(_("founded"))
    due_date = models.DateField(_("due"))
    last_timely_payment_date = models.DateField(_("last timely payment date"))
    description = models.CharField(_("description"), max_length=100)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(fields=["account", "claim_id"], name="debtor_claim_unique")
        ]

    def __str__(self) -> str:
        return self.claim_id


class EntryKind(models.TextChoices):
    REGISTERED = "registered", _("registered")
    CANCELLED = "cancelled", _("cancelled")
    WRITTEN_DOWN = "written_down", _("written down")
    REOPENED = "reopened", _("reopened")


class ClaimEntry(AppendOnlyModel):
    """A claim's journal; ``delta_ore`` sums to its open balance."""

    claim = models.ForeignKey(DebtorClaim, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    amount_ore = models.BigIntegerField(_("amount (øre)"), default=0)
    delta_ore = models.BigIntegerField(_("balance change (øre)"), default=0)
    event_id = models.UUIDField(_("event id"), null=True, blank=True)
    effective_on = models.DateField(_("effective"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim entry")
        verbose_name_plural = _("claim entries")
        ordering = ["claim", "id"]


class InboundTransaction(AppendOnlyModel):
    """Each transaction answered, with the receipt bytes to answer a resend identically."""

    transaction_id = models.UUIDField(_("transaction id"), unique=True)
    sender = models.ForeignKey(SenderSystem, on_delete=models.PROTECT)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    event_count = models.PositiveIntegerField(_("events"))
    request_gz = models.BinaryField(_("request"))
    receipt = models.BinaryField(_("receipt"))

    class Meta:
        verbose_name = _("received transaction")
        verbose_name_plural = _("received transactions")


class InboundEvent(AppendOnlyModel):
    """Each event applied (or refused), so an event resent in another transaction is not
    applied twice."""

    event_id = models.UUIDField(_("event id"), unique=True)
    transaction_id = models.UUIDField(_("transaction id"))
    claim_id = models.CharField(_("claim id"), max_length=64, blank=True)
    accepted = models.BooleanField(_("accepted"))
    code = models.CharField(_("error code"), max_length=40, blank=True)
    text = models.CharField(_("error text"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("received event")
        verbose_name_plural = _("received events")


class Reception(AppendOnlyModel):
    """Every call that arrived, including resends: how often did we see each transaction?"""

    transaction_id = models.UUIDField(_("transaction id"), db_index=True)
    event_count = models.PositiveIntegerField(_("events"))
    replayed = models.BooleanField(_("answered from the inbox"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")
