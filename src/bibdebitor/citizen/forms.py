from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from bibdebitor.common.payment_simulator import PaymentMethodForm


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Library card number or CPR number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=8,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "inputmode": "numeric"}
        ),
    )


class PayForm(PaymentMethodForm):
    fees = forms.TypedMultipleChoiceField(
        label=_("Fees to pay"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["fees", "method", "card_number", "phone"]

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["fees"]).choices = choices
