"""The transfer engine's tables: debtor accounts, the outbox, the delivery archive, error tasks
(opgaver) and the activation journal.

The outbox is a work queue: a message's *content* never changes, but its delivery state
(pending, leased, done, rejected) does, because workers claim and release rows. The facts of
what happened are append-only: every call in ``Delivery``, every outcome in the claim journal,
every error task and its resolution.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bibdebitor.common.appendonly import AppendOnlyModel
from bibdebitor.ledger.models import Agency, Claim, Guardian, Patron


class Liable(models.TextChoices):
    PATRON = "patron", _("the patron")
    GUARDIAN = "guardian", _("the guardian")
    COMPANY = "company", _("the company")


class DebtorAccount(models.Model):
    """A debitorkonto as the library knows it: one per patron, account type and guardian.
    Messages for one account are delivered in order."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="debtor_accounts")
    patron = models.ForeignKey(Patron, on_delete=models.PROTECT, related_name="debtor_accounts")
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, null=True, blank=True, related_name="debtor_accounts"
    )
    account_type = models.CharField(_("debtor account type"), max_length=50)
    liable = models.CharField(_("liable"), max_length=10, choices=Liable.choices)
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("debtor account")
        verbose_name_plural = _("debtor accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["patron", "account_type"],
                condition=models.Q(guardian__isnull=True),
                name="debtor_account_unique",
            ),
            models.UniqueConstraint(
                fields=["patron", "account_type", "guardian"],
                condition=models.Q(guardian__isnull=False),
                name="debtor_account_unique_guardian",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class MessageKind(models.TextChoices):
    CREATE = "create", _("hand over claim")
    CANCEL = "cancel", _("cancel claim")
    WRITE_DOWN = "write_down", _("write down claim")
    REOPEN = "reopen", _("reopen claim")
    CHANGE_PARTY = "change_party", _("change liable party")


class MessageState(models.TextChoices):
    PENDING = "pending", _("waiting")
    LEASED = "leased", _("being sent")
    DONE = "done", _("accepted")
    REJECTED = "rejected", _("rejected")


class OutboxMessage(models.Model):
    """One event the debtor system must learn, enqueued in the ledger change's transaction."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="outbox")
    account = models.ForeignKey(DebtorAccount, on_delete=models.PROTECT, related_name="messages")
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="outbox"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MessageKind.choices)
    event_id = models.UUIDField(_("event id"), unique=True)
    # What the debtor system must learn, as the XML it is sent as (``protocol.codec``), fixed
    # when the message is enqueued: the operation's element (for a hand-over, its claim's
    # ``Fordring``), and for a hand-over the account's own data (``codec.account_xml``).
    content = models.TextField(_("content"))
    account_content = models.TextField(_("account content"), blank=True)
    created_at = models.DateTimeField(_("enqueued"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    available_at = models.DateTimeField(_("next attempt"))
    lease_owner = models.CharField(_("worker"), max_length=100, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["state", "id"], name="outbox_state_id"),
            models.Index(fields=["account", "state", "id"], name="outbox_account_state"),
            # The metrics' depth and oldest age per agency, read from the index alone.
            models.Index(fields=["state", "agency", "created_at"], name="outbox_state_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.event_id}"


class DeliveryOutcome(models.TextChoices):
    RECEIPT = "receipt", _("business receipt")
    CLIENT_FAULT = "client_fault", _("refused as malformed")
    TRANSIENT = "transient", _("temporary fault, retried")


class Delivery(AppendOnlyModel):
    """The archive: every call made, with the request and the answer (zlib-compressed)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="deliveries")
    transaction_id = models.UUIDField(_("transaction id"), db_index=True)
    service = models.CharField(_("service"), max_length=60)
    worker = models.CharField(_("worker"), max_length=100)
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    message_count = models.PositiveIntegerField(_("messages"))
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=DeliveryOutcome.choices)
    error = models.CharField(_("error"), max_length=300, blank=True)
    request_gz = models.BinaryField(_("request"))
    response_gz = models.BinaryField(_("response"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]


class ErrorTask(AppendOnlyModel):
    """An opgave for staff: the debtor system refused something; the claim is flagged until a
    resolution is recorded."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="error_tasks")
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="error_tasks"
    )
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    inbox_message = models.ForeignKey(
        "InboxMessage", on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    code = models.CharField(_("error code"), max_length=40)
    text = models.CharField(_("explanation"), max_length=300)
    transaction_id = models.UUIDField(_("transaction id"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("error task")
        verbose_name_plural = _("error tasks")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class Resolution(models.TextChoices):
    RETRIED = "retried", _("sent again")
    DISMISSED = "dismissed", _("closed without sending")
    CANCELLED = "cancelled", _("claim cancelled")


class ErrorTaskResolution(AppendOnlyModel):
    task = models.OneToOneField(ErrorTask, on_delete=models.PROTECT, related_name="resolution")
    action = models.CharField(_("action"), max_length=10, choices=Resolution.choices)
    actor = models.CharField(_("by"), max_length=150)
    note = models.TextField(_("note"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), auto_now_add=True)

    class Meta:
        verbose_name = _("error task resolution")
        verbose_name_plural = _("error task resolutions")


class IntegrationActivation(AppendOnlyModel):
    """Journal of switching an agency's integration on and off."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="activations")
    active = models.BooleanField(_("active"))
    cutoff_date = models.DateField(_("cut-off date"), null=True, blank=True)
    preview_code = models.CharField(_("dry-run code"), max_length=20, blank=True)
    actor = models.CharField(_("by"), max_length=150)
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("integration switch")
        verbose_name_plural = _("integration switches")
        ordering = ["-id"]


class CoverageCredential(models.Model):
    """The token with which the agency's debtor system calls our coverage service (stored
    hashed)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="coverage_tokens")
    token_sha256 = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("coverage service token")
        verbose_name_plural = _("coverage service tokens")

    def __str__(self) -> str:
        return self.name


class InboxMessage(AppendOnlyModel):
    """A coverage call as received, stored before anything is applied: nothing received is
    lost, even if applying it fails."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="inbox")
    transaction_id = models.UUIDField(_("transaction id"), unique=True)
    registration_count = models.PositiveIntegerField(_("registrations"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    request_gz = models.BinaryField(_("request"))

    class Meta:
        verbose_name = _("received coverage call")
        verbose_name_plural = _("received coverage calls")

    def __str__(self) -> str:
        return str(self.transaction_id)


class InboxReceipt(AppendOnlyModel):
    """The receipt given once the call was applied (exactly once); a resend gets it again."""

    message = models.OneToOneField(InboxMessage, on_delete=models.PROTECT, related_name="receipt")
    receipt = models.BinaryField(_("receipt"))
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        verbose_name = _("coverage receipt")
        verbose_name_plural = _("coverage receipts")


class AppliedRegistration(AppendOnlyModel):
    """Each registration applied (or refused), so one resent in another call is not applied
    twice."""

    registration_id = models.UUIDField(_("registration id"), unique=True)
    message = models.ForeignKey(InboxMessage, on_delete=models.PROTECT)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30)
    amount_ore = models.BigIntegerField(_("amount (øre)"), null=True)
    accepted = models.BooleanField(_("accepted"))
    code = models.CharField(_("error code"), max_length=40, blank=True)
    text = models.CharField(_("error text"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("applied coverage")
        verbose_name_plural = _("applied coverage")


class ReconciliationRun(AppendOnlyModel):
    """One reconciliation of an agency's ledger against its debtor system's statement, written
    once when it ends (a failed run is kept with its error)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reconciliations")
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    actor = models.CharField(_("by"), max_length=150)
    library_claims = models.PositiveIntegerField(_("claims in the ledger"), default=0)
    debtor_claims = models.PositiveIntegerField(_("claims in the debtor system"), default=0)
    discrepancy_count = models.PositiveIntegerField(_("discrepancies"), default=0)
    totals = models.JSONField(_("totals"), default=list)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.finished_at:%Y-%m-%d %H:%M}"


class Discrepancy(AppendOnlyModel):
    """A claim on which the ledger and the debtor system disagree, with the likely cause."""

    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.PROTECT, related_name="discrepancies"
    )
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True)
    claim_ref = models.CharField(_("claim id"), max_length=64)
    cause = models.CharField(_("likely cause"), max_length=30)
    account_type = models.CharField(_("debtor account type"), max_length=50, blank=True)
    claim_kind = models.CharField(_("claim type"), max_length=12, blank=True)
    library_open_ore = models.BigIntegerField(_("open in the ledger (øre)"), null=True)
    debtor_open_ore = models.BigIntegerField(_("open in the debtor system (øre)"), null=True)
    library_state = models.CharField(_("state in the ledger"), max_length=20, blank=True)
    debtor_state = models.CharField(_("state in the debtor system"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["run", "id"]
