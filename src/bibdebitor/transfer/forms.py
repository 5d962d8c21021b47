from django import forms
from django.utils.translation import gettext_lazy as _

from bibdebitor.domain.reconciliation import CAUSE_TEXTS
from bibdebitor.ledger.models import Agency

TASK_STATUS = [("open", _("open")), ("resolved", _("resolved")), ("all", _("all"))]


def _agency_field(required: bool) -> forms.ModelChoiceField[Agency]:
    return forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.all(),
        to_field_name="agency_id",
        required=required,
        empty_label=_("Choose…") if required else _("all"),
    )


class TaskFilterForm(forms.Form):
    is_filter = True  # every field optional: no "(optional)" on each label

    agency = _agency_field(required=False)
    code = forms.CharField(label=_("Error code"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("Status"), choices=TASK_STATUS, required=False)


class TaskActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("retry", _("Send again")),
            ("dismiss", _("Close with a note")),
            ("cancel", _("Cancel the claim")),
        ]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ReconcileForm(forms.Form):
    agency = _agency_field(required=True)


class DiscrepancyFilterForm(forms.Form):
    is_filter = True  # every field optional: no "(optional)" on each label

    agency = _agency_field(required=True)
    run = forms.IntegerField(required=False, widget=forms.HiddenInput)
    cause = forms.ChoiceField(
        label=_("Likely cause"),
        required=False,
        choices=[("", _("all")), *((cause.value, _(text)) for cause, text in CAUSE_TEXTS.items())],
    )
