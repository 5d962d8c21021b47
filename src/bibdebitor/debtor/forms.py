"""Forms of the debtor system's pages. Money is typed in kroner and kept in øre."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bibdebitor.domain.identifiers import IdentifierError, parse_cpr
from bibdebitor.domain.money import AmountError, parse_kroner
from bibdebitor.payment_simulator import PaymentMethodForm


def _kroner(text: str) -> int:
    try:
        return parse_kroner(text)
    except AmountError as error:
        raise forms.ValidationError(gettext(error.message)) from None


class MitIdForm(forms.Form):
    """The MitID simulator: a CPR number and the simulator's code."""

    # Not echoed back after a failed attempt: the number stays out of the page.
    cpr = forms.CharField(
        label=_("CPR number"), max_length=11, widget=forms.PasswordInput(render_value=False)
    )
    code = forms.CharField(label=_("MitID code (simulator)"), widget=forms.PasswordInput)

    def clean_cpr(self) -> str:
        try:
            return parse_cpr(self.cleaned_data["cpr"]).number
        except IdentifierError as error:
            raise forms.ValidationError(gettext(error.message)) from None


class CardForm(PaymentMethodForm):
    amount = forms.CharField(label=_("Amount (kr.)"), max_length=20)

    field_order = ["method", "amount", "card_number", "phone"]

    def clean_amount(self) -> int:
        return _kroner(self.cleaned_data["amount"])


class BankFileForm(forms.Form):
    file = forms.FileField(label=_("Bank file (CSV: dato;beløb;kodelinje;reference)"))


class WriteOffForm(forms.Form):
    amount = forms.CharField(label=_("Amount to write off (kr.)"), max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_amount(self) -> int:
        return _kroner(self.cleaned_data["amount"])
