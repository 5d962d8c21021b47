from django import forms
from django.utils.translation import gettext_lazy as _

from bibdebitor.broker.models import Municipality
from bibdebitor.domain.agreements import AgreementState

DECISIONS = [
    (AgreementState.APPROVED.value, _("Approve")),
    (AgreementState.REJECTED.value, _("Reject")),
    (AgreementState.REVOKED.value, _("Revoke")),
]
STATE_LABELS = {
    AgreementState.REQUESTED: _("requested"),
    AgreementState.APPROVED: _("approved"),
    AgreementState.REJECTED: _("rejected"),
    AgreementState.REVOKED: _("revoked"),
}


class DecisionForm(forms.Form):
    state = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementFilterForm(forms.Form):
    is_filter = True  # every field optional: no "(optional)" on each label

    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("all"),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("all")), *[(s.value, STATE_LABELS[s]) for s in AgreementState]],
    )
