"""Pages for the municipality's debtor staff: what the mapping table lacks, bank files,
unplaced payments, and writing off a claim. Every page needs a staff login."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bibdebitor.debtor.forms import BankFileForm, WriteOffForm
from bibdebitor.debtor.models import DebtorClaim, Instance, Payment
from bibdebitor.debtor.payments import PaymentError, import_bank_file, write_off
from bibdebitor.debtor.selectors import open_balances
from bibdebitor.debtor.setup import unmapped_classes
from bibdebitor.domain.money import format_kroner

MAX_BANK_FILE_BYTES = 20 * 1024 * 1024


@staff_member_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The staff start page: every instance (municipality) this server runs."""
    instances = Instance.objects.order_by("name")
    return render(request, "debtor/staff_home.html", {"instances": instances})


@staff_member_required
@require_http_methods(["GET"])
def instance_overview(request: HttpRequest, instance_uuid: uuid.UUID) -> HttpResponse:
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    unplaced = Payment.objects.filter(instance=instance, account__isnull=True).order_by("-id")
    context = {
        "instance": instance,
        "unmapped": unmapped_classes(instance),
        "unplaced": unplaced[:200],
        "bank_form": BankFileForm(),
    }
    return render(request, "debtor/staff_overview.html", context)


@staff_member_required
@require_http_methods(["POST"])
def bank_file(request: HttpRequest, instance_uuid: uuid.UUID) -> HttpResponse:
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    form = BankFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a bank file."))
    elif form.cleaned_data["file"].size > MAX_BANK_FILE_BYTES:
        messages.error(request, _("The bank file is larger than 20 MB."))
    else:
        report = import_bank_file(instance, form.cleaned_data["file"].read())
        messages.info(
            request,
            _("%(booked)d payments booked, %(unplaced)d unplaced, %(duplicates)d already booked.")
            % {
                "booked": report.booked,
                "unplaced": report.unplaced,
                "duplicates": report.duplicates,
            },
        )
        for line, text in report.errors:
            messages.error(request, _("Line %(line)d: %(text)s") % {"line": line, "text": text})
    return redirect("staff-overview", instance_uuid=instance_uuid)


@staff_member_required
@require_http_methods(["GET", "POST"])
def claim_detail(request: HttpRequest, instance_uuid: uuid.UUID, claim_id: str) -> HttpResponse:
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    claim = get_object_or_404(DebtorClaim, account__instance=instance, claim_id=claim_id)
    form = WriteOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            write_off(
                claim,
                form.cleaned_data["amount"],
                form.cleaned_data["reason"],
                actor=request.user.get_username(),
            )
        except PaymentError as error:
            form.add_error(None, _(error.message))
        else:
            messages.success(
                request,
                _("%(amount)s written off.")
                % {"amount": format_kroner(form.cleaned_data["amount"])},
            )
            return redirect("staff-claim", instance_uuid=instance_uuid, claim_id=claim_id)
    context = {
        "instance": instance,
        "claim": claim,
        "open_ore": open_balances(DebtorClaim.objects.filter(pk=claim.pk)).get(claim.pk, 0),
        "entries": claim.entries.order_by("id"),
        "form": form,
    }
    return render(request, "debtor/staff_claim.html", context)
