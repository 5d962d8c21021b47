"""The library ledger: agencies, patrons, guardians, claims and their journals.

Money is integer øre. A claim's state and balance come from its journal (``ClaimEvent``);
the rules for each event live in ``bibdebitor.domain.claims``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bibdebitor.common import validators
from bibdebitor.common.appendonly import AppendOnlyModel
from bibdebitor.domain import vendors
from bibdebitor.domain.claims import ClaimKind, EventKind
from bibdebitor.domain.identifiers import is_substitute_cpr, mask_cpr

DEFAULT_BLOCK_THRESHOLD_ORE = 200_00
DEFAULT_BLOCK_LIFT_DAYS = 7  # a bank transfer and the nightly coverage report, with margin
DEFAULT_ADULT_AGE = 18


class Agency(models.Model):
    """A municipality's library (FBS agency) and its integration settings."""

    agency_id = models.CharField(_("agency id"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, validators=[validators.cvr])
    municipality_code = models.CharField(_("municipality code"), max_length=3)
    debtor_vendor = models.CharField(
        _("debtor system"), max_length=20, choices=vendors.CHOICES, blank=True
    )
    organisation_uuid = models.UUIDField(
        _("organisation (KOMBIT)"),
        null=True,
        blank=True,
        help_text=_("The municipality's UUID in KOMBIT's organisation register"),
    )
    debtor_instance_uuid = models.UUIDField(_("debtor system instance"), null=True, blank=True)
    org_unit_uuid = models.UUIDField(
        _("debtor account organisational reference"), null=True, blank=True
    )
    sender_instance_uuid = models.UUIDField(_("sender IT system instance"), null=True, blank=True)
    cutoff_date = models.DateField(_("cut-off date"), null=True, blank=True)
    integration_active = models.BooleanField(_("integration active"), default=False)
    substitute_cpr_enabled = models.BooleanField(_("substitute CPR switched on"), default=False)
    substitute_manual_process = models.BooleanField(
        _("manual process for substitute CPR agreed"),
        default=False,
        help_text=_(
            "Fujitsu Prisme takes substitute CPR numbers only with a manual process agreed with "
            "Fujitsu: with it, such claims are handed over."
        ),
    )
    coverage_in_batches = models.BooleanField(
        _("the debtor system reports payments in a nightly batch"),
        default=True,
        help_text=_(
            "As KMD Opus, Prisme and ØS Indsigt do: the citizen page then says that a payment "
            "can take up to 72 hours to show."
        ),
    )
    modulus11_required = models.BooleanField(
        _("debtor system refuses CPR numbers without modulus 11"),
        default=False,
        help_text=_(
            "Only if the debtor system is set up so: CPR numbers without modulus 11 are valid."
        ),
    )
    block_threshold_ore = models.PositiveIntegerField(
        _("block threshold (øre)"), default=DEFAULT_BLOCK_THRESHOLD_ORE
    )
    block_lift_days = models.PositiveSmallIntegerField(
        _("days a block lifted on a receipt lasts"),
        default=DEFAULT_BLOCK_LIFT_DAYS,
        help_text=_("Ends sooner when the payment's coverage arrives from the municipality."),
    )
    adult_age = models.PositiveSmallIntegerField(_("age limit"), default=DEFAULT_ADULT_AGE)
    creditor_number = models.CharField(
        _("FI creditor number"),
        max_length=8,
        blank=True,
        help_text=_("8 digits, starts with 8"),
        validators=[validators.creditor],
    )
    planned_go_live = models.DateField(_("planned go-live date"), null=True, blank=True)
    rollout_wave = models.PositiveSmallIntegerField(_("roll-out wave"), null=True, blank=True)
    cleansing_limit = models.PositiveIntegerField(
        _("data-cleansing limit"),
        default=0,
        help_text=_("How many blocking data-cleansing findings go-live may leave."),
    )
    debtor_portal_url = models.URLField(
        _("the debtor system's payment portal"),
        blank=True,
        help_text=_("Where citizens pay claims handed over (Mit Betalingsoverblik), if any"),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency_id})"


class PatronKind(models.TextChoices):
    PERSON = "person", _("person")
    COMPANY = "company", _("company")
    INSTITUTION = "institution", _("institution")


class Patron(models.Model):
    """A borrower (låner): a person, a company or an institution (teacher and institution
    cards are companies, so staff are never chased for an institution's loans)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="patrons", verbose_name=_("agency")
    )
    patron_number = models.CharField(_("patron number"), max_length=32)
    kind = models.CharField(_("kind"), max_length=12, choices=PatronKind.choices)
    cpr = models.CharField(_("CPR number"), max_length=10, blank=True, validators=[validators.cpr])
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True, validators=[validators.cvr])
    p_number = models.CharField(
        _("P-number"), max_length=10, blank=True, validators=[validators.p_number]
    )
    gln = models.CharField(
        _("EAN/GLN number"), max_length=13, blank=True, validators=[validators.gln]
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    pin_hash = models.CharField(_("PIN (hashed)"), max_length=128, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("patron")
        verbose_name_plural = _("patrons")
        ordering = ["agency", "patron_number"]
        permissions = [("view_cpr", _("Can see full CPR numbers"))]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "patron_number"], name="patron_number_unique_per_agency"
            ),
            models.UniqueConstraint(
                fields=["agency", "cpr"],
                condition=~models.Q(cpr=""),
                name="patron_cpr_unique_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.patron_number})"

    @property
    def masked_cpr(self) -> str:
        return mask_cpr(self.cpr) if self.cpr else ""

    @property
    def has_substitute_cpr(self) -> bool:
        return is_substitute_cpr(self.cpr)


class Guardian(models.Model):
    """Økonomisk ansvarlig: the adult liable for a minor's claims once consent is recorded."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="guardians")
    cpr = models.CharField(_("CPR number"), max_length=10, validators=[validators.cpr])
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    pin_hash = models.CharField(_("PIN (hashed)"), max_length=128, blank=True, editable=False)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(fields=["agency", "cpr"], name="guardian_cpr_unique_per_agency")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_cpr(self) -> str:
        return mask_cpr(self.cpr)


class ConsentKind(models.TextChoices):
    GIVEN = "given", _("consent given")
    WITHDRAWN = "withdrawn", _("consent withdrawn")


class GuardianConsent(AppendOnlyModel):
    """Journal of guardian consents. Not retroactive: a claim created before the consent's
    effective date stays without a guardian."""

    patron = models.ForeignKey(
        Patron, on_delete=models.PROTECT, related_name="consents", verbose_name=_("patron")
    )
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, related_name="consents", verbose_name=_("guardian")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ConsentKind.choices)
    effective_on = models.DateField(_("effective from"))
    journal_reference = models.CharField(_("journal reference"), max_length=100)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)

    class Meta:
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")
        ordering = ["patron", "effective_on", "id"]
        indexes = [models.Index(fields=["patron", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on}"


# The domain's claim kinds and journal events (``domain.claims``), with their titles on screen.
CLAIM_KIND_TITLES = {
    ClaimKind.LATE_FEE: _("late fee"),
    ClaimKind.REPLACEMENT: _("replacement claim"),
}


def _choices(titles: dict[ClaimKind, Any] | dict[EventKind, Any]) -> list[tuple[str, Any]]:
    return [(member.value, title) for member, title in titles.items()]


class Claim(models.Model):
    """A mellemværende. Its facts are fixed when it is created; everything that happens to it
    afterwards is a ``ClaimEvent``."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="claims", verbose_name=_("agency")
    )
    patron = models.ForeignKey(
        Patron, on_delete=models.PROTECT, related_name="claims", verbose_name=_("patron")
    )
    claim_number = models.BigIntegerField(_("claim number"))
    kind = models.CharField(_("kind"), max_length=12, choices=_choices(CLAIM_KIND_TITLES))
    amount_ore = models.PositiveBigIntegerField(_("amount (øre)"))
    created_on = models.DateField(_("created on"))
    due_date = models.DateField(_("due date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["agency", "claim_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "claim_number"], name="claim_number_unique_per_agency"
            ),
            models.CheckConstraint(condition=models.Q(amount_ore__gt=0), name="claim_amount_gt_0"),
        ]
        indexes = [models.Index(fields=["agency", "created_on"])]

    def __str__(self) -> str:
        return f"{self.claim_number}"


class ClaimMaterial(models.Model):
    """A material the claim concerns (FBS ``FeeMaterialV2``)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="materials")
    item_number = models.CharField(_("item number"), max_length=50)
    record_id = models.CharField(_("record id"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title or self.item_number


EVENT_KIND_TITLES = {
    EventKind.CREATED: _("created"),
    EventKind.ACKNOWLEDGED: _("acknowledged"),
    EventKind.WRITTEN_DOWN: _("written down"),
    EventKind.CANCELLED: _("cancelled"),
    EventKind.REOPENED: _("reopened"),
    EventKind.QUEUED: _("queued for transfer"),
    EventKind.TRANSFERRED: _("transferred"),
    EventKind.ACCEPTED: _("accepted by debtor system"),
    EventKind.REJECTED: _("rejected by debtor system"),
    EventKind.COVERED: _("covered"),
    EventKind.COVERAGE_REVERSED: _("coverage reversed"),
    EventKind.WRITTEN_OFF: _("written off"),
}


class ClaimEvent(AppendOnlyModel):
    """One line of a claim's journal. ``delta_ore`` is the event's effect on the open balance,
    so a balance is ``SUM(delta_ore)``; ``amount_ore`` is the amount the event names."""

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="events", verbose_name=_("claim")
    )
    seq = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("event"), max_length=20, choices=_choices(EVENT_KIND_TITLES))
    amount_ore = models.BigIntegerField(_("amount (øre)"), default=0)
    delta_ore = models.BigIntegerField(_("balance change (øre)"), default=0)
    occurred_at = models.DateTimeField(_("occurred"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    actor = models.CharField(_("by"), max_length=150)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
        ordering = ["claim", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "seq"], name="claim_event_seq_unique")
        ]
        # The dashboard's days: hand-overs and coverage recorded in the last 30 days.
        indexes = [models.Index(fields=["kind", "recorded_at"], name="claim_event_kind_recorded")]

    def __str__(self) -> str:
        return f"{self.claim_id}#{self.seq} {self.kind}"


class PatronBlockEvent(AppendOnlyModel):
    """Journal of a patron's block status: a row each time it changes."""

    patron = models.ForeignKey(Patron, on_delete=models.PROTECT, related_name="block_events")
    blocked = models.BooleanField(_("blocked"))
    balance_ore = models.BigIntegerField(_("open balance (øre)"))
    threshold_ore = models.BigIntegerField(_("threshold (øre)"))
    occurred_at = models.DateTimeField(_("occurred"), auto_now_add=True)

    class Meta:
        verbose_name = _("block change")
        verbose_name_plural = _("block changes")
        ordering = ["patron", "id"]


class BlockLift(AppendOnlyModel):
    """Staff lifted a blocked borrower's block on a receipt for a payment to the municipality
    (seed 003: "manuelt låse borgeren op"). It lasts until ``until``, or until coverage
    for the patron arrives after it, whichever comes first."""

    patron = models.ForeignKey(Patron, on_delete=models.PROTECT, related_name="block_lifts")
    until = models.DateTimeField(_("lifted until"))
    receipt_reference = models.CharField(_("receipt reference"), max_length=100)
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.CharField(_("by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("block lifted on a receipt")
        verbose_name_plural = _("blocks lifted on a receipt")
        ordering = ["patron", "id"]


class IdentifierChange(AppendOnlyModel):
    """Journal of CPR/CVR changes on patrons and guardians."""

    patron = models.ForeignKey(Patron, on_delete=models.PROTECT, null=True, blank=True)
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, null=True, blank=True)
    field = models.CharField(_("field"), max_length=10)
    old_value = models.CharField(_("old value"), max_length=10, blank=True)
    new_value = models.CharField(_("new value"), max_length=10, blank=True)
    actor = models.CharField(_("by"), max_length=150)
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("identifier change")
        verbose_name_plural = _("identifier changes")
        ordering = ["-occurred_at"]


class PersonalDataAccess(AppendOnlyModel):
    """Audit trail: who saw an unmasked CPR number, when and where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    patron = models.ForeignKey(Patron, on_delete=models.PROTECT, null=True, blank=True)
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, null=True, blank=True)
    context = models.CharField(_("where"), max_length=100)
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("CPR lookup")
        verbose_name_plural = _("CPR lookups")
        ordering = ["-occurred_at"]
