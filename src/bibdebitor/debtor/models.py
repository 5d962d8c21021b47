"""The reference debtor system's own tables (no table is shared with the library side).

An ``Instance`` is one municipality's debtor system (KMD Opus, Fujitsu Prisme, EG ØS Indsigt);
one server can host several. Claims (fordringer) and their changes are append-only journals;
the inbox records every transaction and event received, with the receipt given, so that a
resent call is answered again without a second effect.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bibdebitor.common import validators
from bibdebitor.common.appendonly import AppendOnlyModel
from bibdebitor.domain import vendors
from bibdebitor.domain.collection import Channel, CollectionRule, rule_errors
from bibdebitor.domain.debtor_claims import Entry
from bibdebitor.domain.identifiers import mask_cpr
from bibdebitor.domain.payment_codes import CodeLine, code_line
from bibdebitor.domain.vendors import VENDOR_RULES, VendorRules


class CoverageMode(models.TextChoices):
    NIGHTLY = "nightly", _("nightly batch on weekdays")
    IMMEDIATE = "immediate", _("immediately")


class Instance(models.Model):
    name = models.CharField(_("name"), max_length=200)
    organisation_uuid = models.UUIDField(_("organisation"))
    instance_uuid = models.UUIDField(_("IT system instance"), unique=True)
    vendor = models.CharField(_("vendor profile"), max_length=20, choices=vendors.CHOICES)
    creditor_number = models.CharField(
        _("creditor number (FI)"),
        max_length=8,
        default="87654321",
        validators=[validators.creditor],
    )
    coverage_mode = models.CharField(
        _("coverage to the library"),
        max_length=10,
        choices=CoverageMode.choices,
        default=CoverageMode.NIGHTLY,
    )
    manual_queue = models.BooleanField(
        _("manual queue for substitute CPR"),
        default=False,
        help_text=_("Fujitsu Prisme 2015: accept substitute CPR numbers into a manual queue."),
    )
    requires_modulus11 = models.BooleanField(
        _("refuses CPR numbers without modulus 11"),
        default=False,
        help_text=_("Off unless this municipality's system is set up so."),
    )

    class Meta:
        verbose_name = _("debtor system instance")
        verbose_name_plural = _("debtor system instances")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_vendor_display()})"

    @property
    def profile(self) -> VendorRules:
        return VENDOR_RULES[self.vendor]

    @property
    def uses_manual_queue(self) -> bool:
        return self.profile.manual_queue_available and self.manual_queue

    def clean(self) -> None:
        if self.manual_queue and not self.profile.manual_queue_available:
            raise ValidationError(
                {"manual_queue": gettext("This vendor profile has no manual queue.")}
            )


class SenderSystem(models.Model):
    """A library system allowed to call this instance, by IT-system instance and token; and
    where (with which token) coverage for its claims is sent back."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="senders")
    it_system_uuid = models.UUIDField(_("IT system instance"))
    token_sha256 = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    coverage_url = models.URLField(_("coverage service address"), blank=True)
    coverage_token = models.CharField(
        _("token for the coverage service"), max_length=200, blank=True
    )

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
    manual = models.BooleanField(
        _("in the manual queue"),
        default=False,
        help_text=_("Staff handle it by hand: no automatic invoices (substitute CPR on Prisme)."),
    )
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
    street = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    effective_on = models.DateField(_("effective from"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("liability")
        verbose_name_plural = _("liabilities")
        ordering = ["account", "id"]


class ClaimOrigin(models.TextChoices):
    LIBRARY = "library", _("from the library")
    REMINDER_FEE = "reminder_fee", _("reminder fee")


class DebtorClaim(models.Model):
    """A fordring as received (or a reminder fee the debtor system added). Its facts are
    fixed; what happens to it is a ``ClaimEntry``."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="claims")
    origin = models.CharField(
        _("origin"), max_length=20, choices=ClaimOrigin.choices, default=ClaimOrigin.LIBRARY
    )
    claim_id = models.CharField(_("claim id"), max_length=64, db_index=True)
    claim_type_uuid = models.UUIDField(_("claim type"))
    payment_type = models.CharField(_("payment type"), max_length=30)
    amount_ore = models.BigIntegerField(_("amount (øre)"))
    founded_on = models.DateField(_("founded"))
    due_date = models.DateField(_("due"))
    last_timely_payment_date = models.DateField(_("last timely payment date"))
    description = models.CharField(_("description"), max_length=100)
    received_on = models.DateField(_("received (debtor clock)"))
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
    """The stored kinds of ``domain.debtor_claims.Entry``, with their labels."""

    REGISTERED = Entry.REGISTERED.value, _("registered")
    CANCELLED = Entry.CANCELLED.value, _("cancelled")
    WRITTEN_DOWN = Entry.WRITTEN_DOWN.value, _("written down")
    REOPENED = Entry.REOPENED.value, _("reopened")
    PAID = Entry.PAID.value, _("paid")
    WRITTEN_OFF = Entry.WRITTEN_OFF.value, _("written off")
    HANDED_OVER = Entry.HANDED_OVER.value, _("handed over for collection")
    PAYMENT_TO_CREDIT = Entry.PAYMENT_TO_CREDIT.value, _("paid amount moved to credit")


class PaymentChannel(models.TextChoices):
    CARD = "card", _("card (payment portal)")
    MOBILEPAY = "mobilepay", _("MobilePay (payment portal)")
    BANK = "bank", _("bank transfer (FI code line)")
    CREDIT = "credit", _("set off against a credit")


class Payment(AppendOnlyModel):
    """Money received. ``reference`` is the bank's or the card acquirer's transaction id, so a
    file or a callback read twice is not booked twice. Without an account it awaits staff."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="payments")
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    invoice = models.ForeignKey(
        "Document", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=PaymentChannel.choices)
    reference = models.CharField(_("transaction reference"), max_length=64)
    amount_ore = models.BigIntegerField(_("amount (øre)"))
    received_on = models.DateField(_("received"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "channel", "reference"], name="payment_once"
            )
        ]


class PaymentPlacement(AppendOnlyModel):
    """A clerk placed a payment that arrived without a usable code line: on which account (and
    invoice), by whom. One per payment; the payment row itself stays as it arrived."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="placement")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="placements")
    invoice = models.ForeignKey(
        "Document", on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    actor = models.CharField(_("placed by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement of a payment")
        verbose_name_plural = _("placements of payments")


class ClaimEntry(AppendOnlyModel):
    """A claim's journal; ``delta_ore`` sums to its open balance."""

    claim = models.ForeignKey(DebtorClaim, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    amount_ore = models.BigIntegerField(_("amount (øre)"), default=0)
    delta_ore = models.BigIntegerField(_("balance change (øre)"), default=0)
    event_id = models.UUIDField(_("event id"), null=True, blank=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.CharField(_("by"), max_length=150, blank=True)
    effective_on = models.DateField(_("effective"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim entry")
        verbose_name_plural = _("claim entries")
        ordering = ["claim", "id"]
        indexes = [models.Index(fields=["kind", "claim"], name="debtor_entry_kind_claim")]


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


class CreditEntry(AppendOnlyModel):
    """An account's credit (tilgodehavende): an overpayment adds, a set-off subtracts."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credit_entries")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True)
    delta_ore = models.BigIntegerField(_("change (øre)"))
    effective_on = models.DateField(_("effective"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("invoice")
    REMINDER = "reminder", _("reminder")
    HAND_OVER = "hand_over", _("notice of hand-over for collection")


class Document(AppendOnlyModel):
    """A letter sent to the debtor (simulated Digital Post, e-invoice or paper), stored as
    sent. An invoice's FI code line is derived from its id, so a bank payment finds it."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="documents")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    claim_type_uuid = models.UUIDField(_("claim type"))
    number = models.PositiveSmallIntegerField(_("reminder number"), default=0)
    channel = models.CharField(
        _("sent by"), max_length=12, choices=[(c.value, c.value) for c in Channel]
    )
    issued_on = models.DateField(_("issued"))
    deadline = models.DateField(_("payment deadline"), null=True, blank=True)
    amount_ore = models.BigIntegerField(_("amount due (øre)"))
    fee_ore = models.BigIntegerField(_("fee (øre)"), default=0)
    gives_notice = models.BooleanField(_("gives notice of hand-over"), default=False)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["instance", "kind", "issued_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def payment_invoice(self) -> Document:
        """The invoice a payment of this letter settles (a reminder pays its invoice)."""
        invoice = self.invoice  # no query without an invoice_id
        return invoice if invoice is not None else self

    @property
    def due_by(self) -> dt.date:
        """The payment deadline of an invoice or a reminder (each is issued with one)."""
        if self.deadline is None:
            raise ValueError(f"{self} has no payment deadline")
        return self.deadline

    @property
    def code_line(self) -> CodeLine:
        """The FI code line (+71<…+creditor<); its payment id is the invoice's number."""
        return code_line(self.payment_invoice.pk, self.instance.creditor_number)


class PostedLetter(AppendOnlyModel):
    """The PDF the simulated Digital Post (or paper post, or e-invoice) channel sent for a
    document, kept as sent."""

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="posted")
    pdf = models.BinaryField(_("PDF"))
    posted_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        verbose_name = _("posted letter")
        verbose_name_plural = _("posted letters")


class InvoiceLine(AppendOnlyModel):
    """Which claims an invoice collects (a reminder fee joins its invoice too)."""

    invoice = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="lines")
    claim = models.OneToOneField(DebtorClaim, on_delete=models.PROTECT, related_name="invoice_line")

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")


class ClaimRule(models.Model):
    """The collection rule for one account type × claim type (classes of the sortiment) at one
    instance: what counts is the account type a claim arrived on, so a minor's claim stays a
    minor's when the minor comes of age."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="rules")
    account_type_uuid = models.UUIDField(_("account type"))
    account_type_key = models.CharField(_("account type"), max_length=50)
    claim_type_uuid = models.UUIDField(_("claim type"))
    user_key = models.CharField(_("claim type"), max_length=50)
    collect = models.BooleanField(
        _("collect"),
        default=True,
        help_text=_("Off: the claims are received and lie without invoice or reminder."),
    )
    invoice_threshold_ore = models.PositiveIntegerField(_("invoice threshold (øre)"))
    invoice_delay_days = models.PositiveSmallIntegerField(_("days before invoicing"))
    payment_deadline_days = models.PositiveSmallIntegerField(_("payment deadline (days)"))
    private_law = models.BooleanField(_("private-law claim"))
    reminder_fee_ore = models.PositiveIntegerField(_("reminder fee (øre)"))
    max_reminders = models.PositiveSmallIntegerField(_("reminders with fee"))
    reminder_interval_days = models.PositiveSmallIntegerField(_("days between reminders"))
    hand_over = models.BooleanField(_("hand over for collection"))
    hand_over_minimum_ore = models.PositiveIntegerField(_("minimum for hand-over (øre)"))
    notice_days = models.PositiveSmallIntegerField(_("days from notice to hand-over"))

    class Meta:
        verbose_name = _("collection rule")
        verbose_name_plural = _("collection rules")
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "account_type_uuid", "claim_type_uuid"], name="rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_type_key} / {self.user_key}"

    def as_rule(self) -> CollectionRule:
        return CollectionRule(
            **{name: getattr(self, name) for name in CollectionRule.field_names()}
        )

    def clean(self) -> None:
        errors = rule_errors(self.as_rule())
        if errors:
            raise ValidationError([gettext(error.message) for error in errors])


class SortimentSubscription(models.Model):
    """The sortiment an instance subscribes to, with the classes it held when subscribed."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="subscriptions")
    sortiment_uuid = models.UUIDField(_("sortiment"))
    subscribed_at = models.DateTimeField(_("subscribed"), auto_now_add=True)

    class Meta:
        verbose_name = _("sortiment subscription")
        verbose_name_plural = _("sortiment subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "sortiment_uuid"], name="subscription_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.sortiment_uuid)


class SubscribedClass(models.Model):
    subscription = models.ForeignKey(
        SortimentSubscription, on_delete=models.CASCADE, related_name="classes"
    )
    class_uuid = models.UUIDField(_("class UUID"))
    facet = models.CharField(_("facet"), max_length=50)
    user_key = models.CharField(_("user-facing key"), max_length=50)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("subscribed class")
        verbose_name_plural = _("subscribed classes")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "class_uuid"], name="class_once")
        ]

    def __str__(self) -> str:
        return f"{self.facet}/{self.user_key}"


class DigitalPostExemption(models.Model):
    """Simulated Digital Post register: citizens exempt from digital mail get paper."""

    cpr = models.CharField(_("CPR number"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("exemption from Digital Post")
        verbose_name_plural = _("exemptions from Digital Post")

    def __str__(self) -> str:
        return mask_cpr(self.cpr)


class ClockShift(AppendOnlyModel):
    """The controllable clock: the latest row's offset is added to the real time."""

    offset_seconds = models.BigIntegerField(_("offset (seconds)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("clock shift")
        verbose_name_plural = _("clock shifts")


class QueueState(models.TextChoices):
    PENDING = "pending", _("waiting")
    LEASED = "leased", _("being sent")
    DONE = "done", _("received")
    REJECTED = "rejected", _("refused")


class CoverageMessage(models.Model):
    """The coverage outbox. Content is fixed when enqueued; the queue state (attempts, when
    next, done) changes, and every call is archived in ``CoverageDelivery``."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="coverage")
    recipient = models.ForeignKey(SenderSystem, on_delete=models.PROTECT)
    registration_id = models.UUIDField(_("registration id"), unique=True)
    account_reference = models.CharField(_("account"), max_length=64)
    claim_id = models.CharField(_("claim id"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=30)
    amount_ore = models.BigIntegerField(_("amount (øre)"), null=True)
    effective_on = models.DateField(_("effective"))
    text = models.CharField(_("text"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"))
    state = models.CharField(
        _("state"), max_length=10, choices=QueueState.choices, default=QueueState.PENDING
    )
    available_at = models.DateTimeField(_("send from"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    lease_owner = models.CharField(_("worker"), max_length=100, blank=True)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    refusal = models.CharField(_("refusal"), max_length=340, blank=True)

    class Meta:
        verbose_name = _("coverage message")
        verbose_name_plural = _("coverage messages")
        indexes = [
            models.Index(fields=["state", "available_at"]),
            # The metrics' depth and oldest age per instance, read from the index alone.
            models.Index(
                fields=["state", "instance", "created_at"], name="coverage_state_instance"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.claim_id or self.account_reference}"


class CoverageDelivery(AppendOnlyModel):
    """Every coverage call made, with request and answer (zlib)."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT)
    transaction_id = models.UUIDField(_("transaction id"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    message_count = models.PositiveIntegerField(_("messages"))
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True)
    outcome = models.CharField(_("outcome"), max_length=20)
    error = models.CharField(_("error"), max_length=300, blank=True)
    request_gz = models.BinaryField(_("request"))
    response_gz = models.BinaryField(_("response"), null=True)

    class Meta:
        verbose_name = _("coverage delivery")
        verbose_name_plural = _("coverage deliveries")
