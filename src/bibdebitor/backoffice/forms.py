from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bibdebitor.backoffice.models import SignOff
from bibdebitor.common.forms import KronerField
from bibdebitor.domain import vendors
from bibdebitor.ledger.models import Agency

SETTINGS = [
    "name",
    "cvr",
    "municipality_code",
    "debtor_vendor",
    "organisation_uuid",
    "org_unit_uuid",
    "sender_instance_uuid",
    "debtor_instance_uuid",
    "cutoff_date",
    "substitute_cpr_enabled",
    "substitute_manual_process",
    "modulus11_required",
    "coverage_in_batches",
    "block_threshold_ore",
    "block_lift_days",
    "creditor_number",
    "debtor_portal_url",
    "planned_go_live",
    "rollout_wave",
    "cleansing_limit",
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NewAgencyForm(forms.ModelForm[Agency]):
    class Meta:
        model = Agency
        fields = ["agency_id", "name", "cvr", "municipality_code"]


class SetupForm(forms.ModelForm[Agency]):
    block_threshold_ore = KronerField(
        label=_("Block threshold (kr.)"),
        help_text=_("A borrower who owes this much or more is blocked from borrowing."),
    )
    debtor_vendor = forms.ChoiceField(
        label=Agency._meta.get_field("debtor_vendor").verbose_name,
        choices=[("", _("Not chosen yet")), *vendors.CHOICES],
        required=False,
    )
    debtor_portal_url = forms.URLField(
        label=Agency._meta.get_field("debtor_portal_url").verbose_name,
        required=False,
        assume_scheme="https",
    )
    preview_code = forms.CharField(
        label=_("Dry-run code"),
        required=False,
        max_length=20,
        help_text=_("Only when moving the cut-off date of an active integration back."),
    )

    class Meta:
        model = Agency
        fields = SETTINGS
        widgets = {"cutoff_date": DATE, "planned_go_live": DATE}


class SignOffForm(forms.Form):
    task = forms.CharField(widget=forms.HiddenInput, max_length=40)
    status = forms.ChoiceField(label=_("Status"), choices=SignOff.STATUSES)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("status") == "not_applicable" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the task is not relevant."))
        return data


class SwitchOnForm(forms.Form):
    preview_code = forms.CharField(label=_("Dry-run code"), max_length=20)


class PatronLookupForm(forms.Form):
    """Finding a borrower at the desk: the library card number (a CPR number only by POST)."""

    kort = forms.CharField(label=_("Library card number or CPR number"), max_length=32)


class BlockLiftForm(forms.Form):
    receipt_reference = forms.CharField(
        label=_("The receipt's reference"),
        max_length=100,
        help_text=_("The payment's transaction or reference number on the citizen's receipt"),
    )
    reason = forms.CharField(
        label=_("Note"),
        max_length=300,
        help_text=_("For example: paid in MobilePay today, receipt shown at the desk"),
    )
