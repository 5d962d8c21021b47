"""The citizen page (Danish, works without JavaScript): sign in with library card or CPR
number and PIN (a guardian who is no borrower: CPR number and PIN), see what is payable at
the library and what the municipality collects, and pay the former by card or MobilePay
(simulated)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bibdebitor.citizen import patrons
from bibdebitor.citizen.fees import NotPayableHere, overview, pay_on_site
from bibdebitor.citizen.forms import PayForm, SignInForm
from bibdebitor.citizen.patrons import Citizen
from bibdebitor.common.sessions import (
    begin_citizen_session,
    citizen_session_value,
    end_citizen_session,
)
from bibdebitor.common.throttle import Door, Gate, locked_text
from bibdebitor.domain.money import format_kroner
from bibdebitor.ledger.models import Agency

SESSION_KEY = "citizen_patron"


def _agency(agency_id: str) -> Agency:
    return get_object_or_404(Agency, agency_id=agency_id)


def _signed_in(request: HttpRequest, agency: Agency) -> Citizen | None:
    return patrons.from_session(agency, citizen_session_value(request, SESSION_KEY))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, agency_id: str) -> HttpResponse:
    agency = _agency(agency_id)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, pin = form.cleaned_data["username"], form.cleaned_data["pin"]
        gate = Gate.for_request(Door.CITIZEN_PIN, request, patrons.lock_name(agency, username))
        citizen, locked = gate.attempt(lambda: patrons.sign_in(agency, username, pin))
        if citizen is not None:
            begin_citizen_session(request, SESSION_KEY, citizen.session_value())
            return redirect("citizen-overview", agency_id=agency.agency_id)
        if locked is not None:
            messages.error(request, locked_text(locked))
        else:
            messages.error(request, _("Wrong library card number, CPR number or PIN."))
        form = SignInForm()  # never show the number typed back
    return render(request, "citizen/sign_in.html", {"agency": agency, "form": form})


@require_POST
def sign_out(request: HttpRequest, agency_id: str) -> HttpResponse:
    end_citizen_session(request)
    return redirect("citizen-sign-in", agency_id=agency_id)


@require_http_methods(["GET"])
def fees_page(request: HttpRequest, agency_id: str) -> HttpResponse:
    agency = _agency(agency_id)
    citizen = _signed_in(request, agency)
    if citizen is None:
        return redirect("citizen-sign-in", agency_id=agency.agency_id)
    return render(
        request,
        "citizen/overview.html",
        {"agency": agency, "citizen": citizen, "overview": overview(citizen)},
    )


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, agency_id: str) -> HttpResponse:
    agency = _agency(agency_id)
    citizen = _signed_in(request, agency)
    if citizen is None:
        return redirect("citizen-sign-in", agency_id=agency.agency_id)
    on_site = overview(citizen).on_site
    if not on_site:
        return redirect("citizen-overview", agency_id=agency.agency_id)
    choices = [
        (f.claim.pk, f"{f.claim.reason or f.claim.get_kind_display()}: {format_kroner(f.open_ore)}")
        for f in on_site
    ]
    form = PayForm(
        request.POST or None,
        choices=choices,
        initial={"fees": [pk for pk, _label in choices], "method": "card"},
    )
    if request.method == "POST" and form.is_valid():
        reference = form.authorise()
        if reference is not None:
            try:
                paid = pay_on_site(citizen, form.cleaned_data["fees"], reference=reference)
            except NotPayableHere as error:
                messages.error(request, _(error.message))
            else:
                messages.success(
                    request,
                    _("Thank you. %(amount)s has been paid.") % {"amount": format_kroner(paid)},
                )
            return redirect("citizen-overview", agency_id=agency.agency_id)
    return render(
        request,
        "citizen/pay.html",
        {"agency": agency, "citizen": citizen, "form": form, "fees": on_site},
    )
