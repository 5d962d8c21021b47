"""Forms of the debtor system's pages. Money is typed in kroner and kept in øre."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bibdebitor.common.forms import KronerField
from bibdebitor.common.payment_simulator import PaymentMethodForm
from bibdebitor.domain.identifiers import IdentifierError, parse_cpr
from bibdebitor.domain.money import format_kroner


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
    amount = KronerField(label=_("Amount (kr.)"))

    field_order = ["method", "amount", "card_number", "phone"]

    def __init__(self, *args: Any, at_most_ore: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.at_most_ore = at_most_ore

    def clean_amount(self) -> int:
        amount: int = self.cleaned_data["amount"]  # KronerField: øre
        if amount > self.at_most_ore:
            raise forms.ValidationError(
                gettext("You can pay at most %(most)s on this invoice: the amount outstanding.")
                % {"most": format_kroner(self.at_most_ore)}
            )
        return amount


class BankFileForm(forms.Form):
    file = forms.FileField(label=_("Bank file (CSV: dato;beløb;kodelinje;reference)"))


class WriteOffForm(forms.Form):
    amount = KronerField(label=_("Amount to write off (kr.)"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


YES_NO = [("", _("All")), ("ja", _("Yes")), ("nej", _("No"))]


def yes_no(value: str) -> bool | None:
    return {"ja": True, "nej": False}.get(value)


class ClaimSearchForm(forms.Form):
    """The clerk's claim list: free text and filters, all in the address (never a CPR)."""

    is_filter = True  # every field optional: no "(optional)" on each label

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Claim id, account, invoice number or the debtor's name"),
    )
    tilstand = forms.ChoiceField(label=_("State"), required=False)
    oprindelse = forms.ChoiceField(label=_("Origin"), required=False)
    kravtype = forms.TypedChoiceField(label=_("Claim type"), required=False, coerce=uuid.UUID)
    kontotype = forms.TypedChoiceField(label=_("Account type"), required=False, coerce=uuid.UUID)
    inddrivelse = forms.ChoiceField(
        label=_("Handed over for collection"), required=False, choices=YES_NO
    )
    manuel = forms.ChoiceField(label=_("In the manual queue"), required=False, choices=YES_NO)
    sortering = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(
        self,
        *args: Any,
        claim_types: dict[uuid.UUID, str],
        account_types: dict[uuid.UUID, str],
        states: Iterable[tuple[str, str | Promise]],
        origins: Iterable[tuple[str, str | Promise]],
        orders: Iterable[tuple[str, str | Promise]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        every: list[tuple[str, str | Promise]] = [("", gettext("All"))]
        self._choice("tilstand").choices = every + list(states)
        self._choice("oprindelse").choices = every + list(origins)
        self._choice("kravtype").choices = every + [(str(k), v) for k, v in claim_types.items()]
        self._choice("kontotype").choices = every + [(str(k), v) for k, v in account_types.items()]
        self._choice("sortering").choices = list(orders)

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])  # every filter is a choice field


class CprSearchForm(forms.Form):
    """A CPR number is searched by POST only, so it never lands in an address or a log."""

    cpr = forms.CharField(
        label=_("CPR number"), max_length=11, widget=forms.PasswordInput(render_value=False)
    )

    def clean_cpr(self) -> str:
        try:
            return parse_cpr(self.cleaned_data["cpr"]).number
        except IdentifierError as error:
            raise forms.ValidationError(gettext(error.message)) from None


class PlacementForm(forms.Form):
    """Placing an unplaced payment: the account (and optionally the invoice) it pays."""

    konto = forms.IntegerField(widget=forms.HiddenInput)
    faktura = forms.IntegerField(widget=forms.HiddenInput, required=False)
