"""Staff forms for the ledger. They validate through the domain rules and save through the
services, so the admin can never write what the rules would refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bibdebitor.common import clock
from bibdebitor.domain.errors import DomainError
from bibdebitor.domain.money import parse_claim_amount
from bibdebitor.domain.patrons import PatronInput, check_consent, check_patron
from bibdebitor.ledger.models import Claim, GuardianConsent, Patron


def as_validation_error(error: DomainError) -> ValidationError:
    return ValidationError(gettext(error.message), code=error.code)


class PatronForm(forms.ModelForm[Patron]):
    # Staff type CPR numbers as ddmmyy-xxxx; the domain rules store the ten digits.
    cpr = forms.CharField(
        label=_("CPR number"),
        required=False,
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Patron
        fields = [
            "agency",
            "patron_number",
            "kind",
            "name",
            "cpr",
            "cvr",
            "p_number",
            "gln",
            "birth_date",
            "street",
            "postcode",
            "city",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        cpr = data.get("cpr", self.instance.cpr if "cpr" not in self.fields else "")
        check = check_patron(
            PatronInput(
                kind=data.get("kind", ""),
                cpr=cpr or "",
                cvr=data.get("cvr", ""),
                p_number=data.get("p_number", ""),
                gln=data.get("gln", ""),
                birth_date=data.get("birth_date"),
            ),
            today=clock.today(),
        )
        for field, error in check.errors.items():
            self.add_error(field if field in self.fields else None, as_validation_error(error))
        if check.ok:
            for name in ("cvr", "p_number", "gln", "birth_date"):
                data[name] = getattr(check, name)
            if "cpr" in self.fields:
                data["cpr"] = check.cpr
        return data


class ClaimCreateForm(forms.ModelForm[Claim]):
    amount = forms.CharField(label=_("amount (kr.)"), help_text=_("For example 125,50"))
    acknowledgement_reference = forms.CharField(
        label=_("acknowledgement or receipt"),
        required=False,
        help_text=_("Reference to the signed acknowledgement or receipt, if any"),
    )

    class Meta:
        model = Claim
        fields = ["patron", "claim_number", "kind", "created_on", "due_date", "reason"]

    def clean_amount(self) -> int:
        try:
            return parse_claim_amount(self.cleaned_data["amount"])
        except DomainError as error:
            raise as_validation_error(error) from error


class ConsentForm(forms.ModelForm[GuardianConsent]):
    class Meta:
        model = GuardianConsent
        fields = ["patron", "guardian", "kind", "effective_on", "journal_reference"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        patron, effective_on = data.get("patron"), data.get("effective_on")
        if patron and effective_on:
            try:
                check_consent(
                    patron_kind=patron.kind,
                    birth_date=patron.birth_date,
                    effective_on=effective_on,
                    today=clock.today(),
                    adult_age=patron.agency.adult_age,
                )
            except DomainError as error:
                self.add_error(None, as_validation_error(error))
        return data
