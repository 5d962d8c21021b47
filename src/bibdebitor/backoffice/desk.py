"""The library's desk: find a borrower, see what blocks them and what they owe where, and lift
a block on a receipt for a payment to the municipality (seed 003, "Kortlæg arbejdsgange",
question 2). Every view checks a permission; a CPR number is looked up by POST only."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bibdebitor.backoffice.forms import BlockLiftForm, PatronLookupForm
from bibdebitor.citizen.fees import overview
from bibdebitor.citizen.patrons import as_citizen, find_patron, patron_lock_name
from bibdebitor.common.throttle import Door, lift, name_locked_until
from bibdebitor.common.web import staff_actor
from bibdebitor.domain.errors import DomainError
from bibdebitor.ledger.models import Agency, Patron
from bibdebitor.ledger.selectors import patron_open_balance
from bibdebitor.ledger.services import lift_block

VIEW = "ledger.view_patron"
LIFT = "ledger.add_blocklift"
UNLOCK = "ledger.change_patron"
PIN_DOORS = (Door.CITIZEN_PIN, Door.OAUTH_PASSWORD)  # the PIN is typed on the page and the API


def _names(patron: Patron) -> list[str]:
    """The name the borrower's sign-in lock-outs count against (card or CPR number alike)."""
    return [patron_lock_name(patron)]


def sign_in_locked_until(patron: Patron) -> dt.datetime | None:
    ends = [
        until
        for door in PIN_DOORS
        for name in _names(patron)
        if name and (until := name_locked_until(door, name))
    ]
    return max(ends, default=None)


@staff_member_required
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def patron_lookup(request: HttpRequest, agency_id: str) -> HttpResponse:
    agency = get_object_or_404(Agency, agency_id=agency_id)
    form = PatronLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patron = find_patron(agency, form.cleaned_data["kort"])
        if patron is not None:
            return redirect("desk-patron", agency_id=agency_id, patron_number=patron.patron_number)
        messages.error(request, _("No borrower with that library card or CPR number."))
        form = PatronLookupForm()  # the number typed is not shown back
    return render(request, "backoffice/patron_lookup.html", {"agency": agency, "form": form})


def _patron(agency_id: str, patron_number: str) -> Patron:
    return get_object_or_404(
        Patron.objects.select_related("agency"),
        agency__agency_id=agency_id,
        patron_number=patron_number,
    )


@staff_member_required
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET"])
def patron_page(request: HttpRequest, agency_id: str, patron_number: str) -> HttpResponse:
    patron = _patron(agency_id, patron_number)
    return _render_patron(request, patron, BlockLiftForm())


def _render_patron(request: HttpRequest, patron: Patron, form: BlockLiftForm) -> HttpResponse:
    context = {
        "agency": patron.agency,
        "patron": patron,
        "overview": overview(as_citizen(patron)),
        "balance": patron_open_balance(patron),
        "lifts": patron.block_lifts.order_by("-id")[:20],
        "blocks": patron.block_events.order_by("-id")[:20],
        "form": form,
        "may_lift": request.user.has_perm(LIFT),
        "pin_locked_until": sign_in_locked_until(patron),
        "may_unlock": request.user.has_perm(UNLOCK),
    }
    return render(request, "backoffice/patron.html", context)


@staff_member_required
@permission_required(LIFT, raise_exception=True)
@require_POST
def patron_lift(request: HttpRequest, agency_id: str, patron_number: str) -> HttpResponse:
    patron = _patron(agency_id, patron_number)
    form = BlockLiftForm(request.POST)
    if form.is_valid():
        try:
            lift = lift_block(
                patron,
                receipt_reference=form.cleaned_data["receipt_reference"],
                reason=form.cleaned_data["reason"],
                actor=staff_actor(request),
            )
        except DomainError as error:
            form.add_error(None, _(error.message))
        else:
            messages.success(
                request,
                _("The block is lifted until %(until)s, or until the payment is reported.")
                % {"until": lift.until.strftime("%d.%m.%Y")},
            )
            return redirect("desk-patron", agency_id=agency_id, patron_number=patron_number)
    return _render_patron(request, patron, form)


@staff_member_required
@permission_required(UNLOCK, raise_exception=True)
@require_POST
def patron_unlock(request: HttpRequest, agency_id: str, patron_number: str) -> HttpResponse:
    """Lift the lock on the borrower's PIN sign-in (the citizen page and the fees API)."""
    patron = _patron(agency_id, patron_number)
    actor = staff_actor(request)
    lifted = sum(lift(door, _names(patron), actor=actor) for door in PIN_DOORS)
    if lifted:
        messages.success(request, _("The borrower can sign in again."))
    else:
        messages.info(request, _("The borrower's sign-in was not locked."))
    return redirect("desk-patron", agency_id=agency_id, patron_number=patron_number)
