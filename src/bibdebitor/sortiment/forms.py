from django import forms
from django.utils.translation import gettext_lazy as _

from bibdebitor.ledger.models import Agency


class PreviewForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.all(),
        to_field_name="agency_id",
        empty_label=_("Choose…"),
    )
    cutoff = forms.DateField(
        label=_("Proposed cut-off date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )
