"""Pages for the platform's agreement administrators: agreements per municipality with their
state, the decision journal of each, and the call log. Deciding needs the
agreement-administrator permission; looking needs the view permission."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bibdebitor.broker.forms import STATE_LABELS, AgreementFilterForm, DecisionForm
from bibdebitor.broker.gate import agreement_state
from bibdebitor.broker.models import Agreement, Call
from bibdebitor.broker.registry import DECIDE_PERMISSION, agreements_of, decide
from bibdebitor.domain.agreements import AgreementState
from bibdebitor.domain.errors import DomainError

VIEW_PERMISSION = "broker.view_agreement"


@staff_member_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    form = AgreementFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    views = agreements_of(data.get("municipality"))
    if data.get("state"):
        views = [v for v in views if v.state == data["state"]]
    rows = [(v.agreement, STATE_LABELS[v.state], v.state.value) for v in views]
    return render(request, "broker/agreements.html", {"form": form, "rows": rows})


@staff_member_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def agreement_detail(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.select_related("caller", "municipality"), pk=agreement_id
    )
    may_decide = request.user.has_perm(DECIDE_PERMISSION)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_decide:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                decide(
                    agreement,
                    AgreementState(form.cleaned_data["state"]),
                    request.user,
                    form.cleaned_data["note"],
                )
            except DomainError as error:
                messages.error(request, _(error.message))
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("agreement", agreement_id=agreement.pk)
    decisions = agreement.decisions.select_related("decided_by").order_by("id")
    context = {
        "agreement": agreement,
        "state": STATE_LABELS[agreement_state(agreement.pk)],
        "decisions": [(d, STATE_LABELS[AgreementState(d.state)]) for d in decisions],
        "form": form if may_decide else None,
    }
    return render(request, "broker/agreement.html", context)


@staff_member_required
@permission_required("broker.view_call", raise_exception=True)
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    calls = Call.objects.select_related("caller", "municipality").order_by("-id")[:200]
    rows = [(call, outcome_label(call.outcome)) for call in calls]
    return render(request, "broker/calls.html", {"calls": rows})


def outcome_label(outcome: str) -> str:
    """A call's outcome for people: forwarded, or refused with the refusal's code."""
    if outcome == "forwarded":
        return _("forwarded")
    return _("refused: %(code)s") % {"code": outcome}
