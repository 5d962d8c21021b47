"""Staff pages of the transfer engine: the error-task queue (opgaver) and reconciliation
(afstemning). Thin views; the rules live in ``tasks`` and ``reconciliation``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bibdebitor.common.exports import download
from bibdebitor.common.web import staff_actor
from bibdebitor.domain.errors import DomainError
from bibdebitor.transfer import reports, tasks
from bibdebitor.transfer.forms import (
    DiscrepancyFilterForm,
    ReconcileForm,
    TaskActionForm,
    TaskFilterForm,
)
from bibdebitor.transfer.models import ErrorTask, ReconciliationRun
from bibdebitor.transfer.reconciliation import reconcile

PAGE_SIZE = 50
EXPORTS = {"csv": reports.as_csv, "xlsx": reports.as_xlsx}


def _filtered_tasks(form: TaskFilterForm) -> QuerySet[ErrorTask]:
    found = ErrorTask.objects.select_related(
        "agency", "claim__patron", "resolution", "message"
    ).order_by("-id")
    if not form.is_valid():
        return found.filter(resolution__isnull=True)
    data = form.cleaned_data
    if data["agency"]:
        found = found.filter(agency=data["agency"])
    if data["code"]:
        found = found.filter(code=data["code"])
    status = data["status"] or "open"
    if status != "all":
        found = found.filter(resolution__isnull=status == "open")
    return found


@staff_member_required
@permission_required("transfer.view_errortask", raise_exception=True)
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    page = Paginator(_filtered_tasks(form), PAGE_SIZE).get_page(request.GET.get("side"))
    codes = ErrorTask.objects.order_by("code").values_list("code", flat=True).distinct()
    return render(
        request,
        "transfer/tasks.html",
        {
            "form": form,
            "page": page,
            "codes": codes,
            "query": _without_page(request),
            "may_resolve": request.user.has_perm("transfer.add_errortaskresolution"),
        },
    )


def _without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, for links that add their own page number."""
    query = request.GET.copy()
    query.pop("side", None)
    return query.urlencode()


def _back_to_tasks(request: HttpRequest) -> HttpResponseRedirect:
    query = request.POST.get("query", "")
    return HttpResponseRedirect(reverse("tasks") + (f"?{query}" if query else ""))


@staff_member_required
@permission_required("transfer.add_errortaskresolution", raise_exception=True)
@require_POST
def task_action(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(ErrorTask.objects.select_related("claim", "message"), pk=task_id)
    form = TaskActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the task."))
        return _back_to_tasks(request)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action == "retry":
            tasks.retry(task, actor=staff_actor(request), note=note)
        elif action == "dismiss":
            tasks.dismiss(task, actor=staff_actor(request), note=note)
        else:
            if not request.user.has_perm("ledger.add_claimevent"):
                messages.error(request, _("You may not cancel claims."))
                return _back_to_tasks(request)
            tasks.cancel_claim(task, actor=staff_actor(request), note=note)
    except DomainError as error:
        messages.error(request, _(error.message))
    else:
        messages.success(request, _("Task %(id)d resolved.") % {"id": task.pk})
    return _back_to_tasks(request)


@staff_member_required
@permission_required("transfer.add_errortaskresolution", raise_exception=True)
@require_POST
def task_bulk_retry(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("tasks") if v.isdigit()]
    chosen = tasks.open_tasks().filter(pk__in=ids).select_related("message").order_by("pk")
    retried, refused = tasks.retry_many(chosen, actor=staff_actor(request))
    messages.success(request, _("%(count)d claims sent again.") % {"count": retried})
    if refused:
        messages.warning(
            request,
            _("%(count)d tasks cannot be sent again (only a refused hand-over can): %(ids)s")
            % {"count": len(refused), "ids": ", ".join(str(t.pk) for t in refused)},
        )
    return _back_to_tasks(request)


@staff_member_required
@permission_required("transfer.view_reconciliationrun", raise_exception=True)
def reconciliation(request: HttpRequest) -> HttpResponse:
    form = DiscrepancyFilterForm(request.GET or None)
    if not form.is_valid():
        return render(request, "transfer/reconciliation.html", {"form": form})
    agency, cause = form.cleaned_data["agency"], form.cleaned_data["cause"]
    runs = ReconciliationRun.objects.filter(agency=agency).order_by("-id")
    run = runs.filter(pk=form.cleaned_data["run"]).first() if form.cleaned_data["run"] else None
    run = run or runs.first()
    export = EXPORTS.get(request.GET.get("format", ""))
    if run and export and not run.error:
        return download(
            export(run), f"afstemning-{agency.agency_id}-{run.pk}.{request.GET['format']}"
        )
    return render(
        request,
        "transfer/reconciliation.html",
        {
            "form": form,
            "agency": agency,
            "run": run,
            "runs": runs[:10],
            "sections": reports.sections(run, cause) if run and not run.error else [],
            "query": urlencode({"agency": agency.agency_id, "run": run.pk if run else ""}),
        },
    )


@staff_member_required
@permission_required("transfer.add_reconciliationrun", raise_exception=True)
@require_POST
def reconciliation_start(request: HttpRequest) -> HttpResponse:
    form = ReconcileForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an agency."))
        return HttpResponseRedirect(reverse("reconciliation"))
    agency = form.cleaned_data["agency"]
    run = reconcile(agency, actor=staff_actor(request))
    if run.error:
        messages.error(
            request,
            _("The debtor system's statement could not be read: %(error)s") % {"error": run.error},
        )
    return HttpResponseRedirect(
        reverse("reconciliation") + "?" + urlencode({"agency": agency.agency_id, "run": run.pk})
    )
