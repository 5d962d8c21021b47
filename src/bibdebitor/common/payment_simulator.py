"""The card and MobilePay simulator both payment pages use (the debtor portal and the
library's citizen page). A real acquirer lies outside this system; this one approves every
card except ``DECLINED_CARD`` and every Danish mobile number."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DECLINED_CARD = "4000000000000002"


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Pay with"),
        choices=[("card", _("Payment card")), ("mobilepay", "MobilePay")],
        widget=forms.RadioSelect,
    )
    card_number = forms.CharField(label=_("Card number"), max_length=19, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=12, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        method = data.get("method")
        card = (data.get("card_number") or "").replace(" ", "")
        phone = (data.get("phone") or "").replace(" ", "")
        if method == "card" and not (card.isdigit() and 13 <= len(card) <= 19):
            self.add_error("card_number", gettext("Enter the card number (13 to 19 digits)."))
        if method == "mobilepay" and not (phone.isdigit() and len(phone) == 8):
            self.add_error("phone", gettext("Enter a Danish mobile number (8 digits)."))
        data["card_number"], data["phone"] = card, phone
        return data

    def authorise(self) -> str | None:
        """The simulated acquirer's transaction id, or ``None`` (and a form error) if the
        payment was declined."""
        if self.cleaned_data["card_number"] == DECLINED_CARD:
            self.add_error("card_number", gettext("The card was declined. No money was taken."))
            return None
        return f"{self.cleaned_data['method']}-{uuid.uuid4()}"
