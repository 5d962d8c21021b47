"""Forms of the debtor system's pages. Money is typed in kroner and kept in øre."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bibdebitor.domain.identifiers import IdentifierError, parse_cpr
from bibdebitor.domain.money import AmountError, parse_kroner


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


class CardForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Pay with"),
        choices=[("card", _("Payment card")), ("mobilepay", "MobilePay")],
        widget=forms.RadioSelect,
    )
    amount = forms.CharField(label=_("Amount (kr.)"), max_length=20)
    card_number = forms.CharField(label=_("Card number"), max_length=19, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=12, required=False)

    def clean_amount(self) -> int:
        return _kroner(self.cleaned_data["amount"])

    def clean(self) -> dict:
        data = super().clean()
        method = data.get("method")
        card = (data.get("card_number") or "").replace(" ", "")
        phone = (data.get("phone") or "").replace(" ", "")
        if method == "card" and not (card.isdigit() and 13 <= len(card) <= 19):
            self.add_error("card_number", gettext("Enter the card number (13 to 19 digits)."))
        if method == "mobilepay" and not (phone.isdigit() and len(phone) == 8):
            self.add_error("phone", gettext("Enter a Danish mobile number (8 digits)."))
        data["card_number"], data["phone"] = card, phone
        return data


class BankFileForm(forms.Form):
    file = forms.FileField(label=_("Bank file (CSV: dato;beløb;kodelinje;reference)"))


class WriteOffForm(forms.Form):
    amount = forms.CharField(label=_("Amount to write off (kr.)"), max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_amount(self) -> int:
        return _kroner(self.cleaned_data["amount"])
