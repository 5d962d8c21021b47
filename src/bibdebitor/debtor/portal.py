"""The citizen's payment portal in the style of "Mit Betalingsoverblik", for vendor profiles
that have one (KMD Opus, Fujitsu Prisme 2015). Login is a MitID simulator; card and MobilePay
are simulated acquirers (a declined card is ``4000 0000 0000 0002``). The CPR number lives in
the server-side session only, never in a URL."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bibdebitor.common.sessions import (
    begin_citizen_session,
    citizen_session_value,
    end_citizen_session,
)
from bibdebitor.common.throttle import Door, Gate, locked_text
from bibdebitor.debtor import letters
from bibdebitor.debtor.forms import CardForm, MitIdForm
from bibdebitor.debtor.models import Document, Instance, PaymentChannel
from bibdebitor.debtor.payments import PaymentError, record_payment
from bibdebitor.debtor.selectors import accounts_of, open_invoices_of
from bibdebitor.domain.money import format_kroner

SESSION_KEY = "portal_cpr"


def _instance_with_portal(instance_uuid: uuid.UUID) -> Instance:
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    if not instance.profile.has_portal:
        raise Http404(_("This municipality's debtor system has no payment portal."))
    return instance


def _citizen(request: HttpRequest, instance: Instance) -> str | None:
    signed_in = citizen_session_value(request, SESSION_KEY)
    if isinstance(signed_in, dict) and signed_in.get("instance") == str(instance.instance_uuid):
        cpr: str = signed_in["cpr"]  # as the sign-in stored it
        return cpr
    return None


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, instance_uuid: uuid.UUID) -> HttpResponse:
    instance = _instance_with_portal(instance_uuid)
    form = MitIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cpr, code = form.cleaned_data["cpr"], form.cleaned_data["code"]
        gate = Gate.for_request(Door.MITID, request, cpr)
        accepted, locked = gate.attempt(
            lambda: cpr if constant_time_compare(code, settings.BIBDEBITOR_MITID_CODE) else None
        )
        if accepted is not None:
            signed_in = {"instance": str(instance.instance_uuid), "cpr": cpr}
            begin_citizen_session(request, SESSION_KEY, signed_in)
            return redirect("portal-overview", instance_uuid=instance_uuid)
        if locked is not None:
            form.add_error(None, locked_text(locked))
        else:
            form.add_error("code", _("MitID did not accept the code."))
    return render(request, "debtor/portal_sign_in.html", {"instance": instance, "form": form})


@require_http_methods(["POST"])
def sign_out(request: HttpRequest, instance_uuid: uuid.UUID) -> HttpResponse:
    end_citizen_session(request)
    return redirect("portal-sign-in", instance_uuid=instance_uuid)


@require_http_methods(["GET"])
def overview(request: HttpRequest, instance_uuid: uuid.UUID) -> HttpResponse:
    instance = _instance_with_portal(instance_uuid)
    cpr = _citizen(request, instance)
    if cpr is None:
        return redirect("portal-sign-in", instance_uuid=instance_uuid)
    invoices = open_invoices_of(instance, cpr)
    total = sum(row.open_ore for row in invoices)
    rows = [(row, letters.letters_of_invoice(row.invoice)) for row in invoices]
    context = {"instance": instance, "rows": rows, "total": total, "signed_in": True}
    return render(request, "debtor/portal_overview.html", context)


def _citizens_letter(request: HttpRequest, instance: Instance, document_id: int) -> Document:
    """A letter to the signed-in citizen; any other letter is not found (not even refused)."""
    cpr = _citizen(request, instance)
    if cpr is None:
        raise Http404(_("Sign in to see your letters."))
    return get_object_or_404(
        Document, instance=instance, pk=document_id, account__in=accounts_of(instance, cpr)
    )


@require_http_methods(["GET"])
def letter(request: HttpRequest, instance_uuid: uuid.UUID, document_id: int) -> HttpResponse:
    instance = _instance_with_portal(instance_uuid)
    if _citizen(request, instance) is None:
        return redirect("portal-sign-in", instance_uuid=instance_uuid)
    document = _citizens_letter(request, instance, document_id)
    context = {
        "instance": instance,
        "letter": letters.letter_of(document),
        "base_template": "debtor/portal_base.html",
        "back_url": reverse("portal-overview", args=[instance_uuid]),
        "pdf_url": reverse("portal-letter-pdf", args=[instance_uuid, document.pk]),
        "signed_in": True,
    }
    return render(request, "debtor/letter.html", context)


@require_http_methods(["GET"])
def letter_pdf(request: HttpRequest, instance_uuid: uuid.UUID, document_id: int) -> HttpResponse:
    instance = _instance_with_portal(instance_uuid)
    if _citizen(request, instance) is None:
        return redirect("portal-sign-in", instance_uuid=instance_uuid)
    return letters.pdf_response(_citizens_letter(request, instance, document_id))


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, instance_uuid: uuid.UUID, invoice_id: int) -> HttpResponse:
    instance = _instance_with_portal(instance_uuid)
    cpr = _citizen(request, instance)
    if cpr is None:
        return redirect("portal-sign-in", instance_uuid=instance_uuid)
    rows = {row.invoice.pk: row for row in open_invoices_of(instance, cpr)}
    row = rows.get(invoice_id)
    if row is None:
        raise Http404(_("The invoice is not among your open invoices."))
    form = CardForm(
        request.POST or None,
        at_most_ore=row.open_ore,
        initial={"amount": format_kroner(row.open_ore, unit=False)},
    )
    if request.method == "POST" and form.is_valid():
        transaction_id = form.authorise()
        if transaction_id is not None:
            return _book(request, instance, row.invoice, form, transaction_id)
    return render(
        request,
        "debtor/portal_pay.html",
        {"instance": instance, "row": row, "form": form, "signed_in": True},
    )


def _book(
    request: HttpRequest, instance: Instance, invoice: Document, form: CardForm, reference: str
) -> HttpResponse:
    try:
        booking = record_payment(
            instance,
            channel=PaymentChannel(form.cleaned_data["method"]),
            reference=reference,
            amount_ore=form.cleaned_data["amount"],
            invoice=invoice,
        )
    except PaymentError as error:
        messages.error(request, _(error.message))
        return redirect("portal-overview", instance_uuid=instance.instance_uuid)
    text = _("Thank you. %(amount)s has been received.") % {
        "amount": format_kroner(booking.payment.amount_ore)
    }
    if booking.credit_ore:
        text += " " + _("%(credit)s is kept as a credit for your next invoice.") % {
            "credit": format_kroner(booking.credit_ore)
        }
    messages.success(request, text)
    return redirect("portal-overview", instance_uuid=instance.instance_uuid)
