"""Back-office pages: the national roll-out view, an agency's go-live checklist, its set-up,
the data-cleansing report and the dashboard. Thin: the rules live in ``checklist``,
``setup``, ``cleansing`` and ``dashboard``; every view checks a permission."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bibdebitor.backoffice import charts
from bibdebitor.backoffice.checklist import (
    GO_LIVE_OVERRIDE,
    STATUS_LABELS,
    checklist,
    checklist_progress,
    tasks_done,
)
from bibdebitor.backoffice.cleansing import SEVERITY_LABELS, current_report
from bibdebitor.backoffice.dashboard import dashboard
from bibdebitor.backoffice.forms import NewAgencyForm, SetupForm, SignOffForm, SwitchOnForm
from bibdebitor.backoffice.models import SettingChange
from bibdebitor.backoffice.setup import GoLiveBlocked, change_settings, switch_on
from bibdebitor.backoffice.setup import sign_off as sign_off_task
from bibdebitor.common.figures import counted
from bibdebitor.common.web import staff_actor
from bibdebitor.domain.cleansing import Finding
from bibdebitor.domain.errors import DomainError
from bibdebitor.domain.golive import GO_LIVE_DATE, Task, sign_off_choices
from bibdebitor.domain.money import format_kroner
from bibdebitor.ledger.models import Agency, Patron

VIEW = "backoffice.view_checklist"
CHANGE = "backoffice.change_integration"
MAX_ROWS = 200


def _agency(agency_id: str) -> Agency:
    return get_object_or_404(Agency, agency_id=agency_id)


@staff_member_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def rollout(request: HttpRequest) -> HttpResponse:
    """Every municipality by roll-out wave, with how far its checklist has come. Only the
    sign-offs and the ledger are read here; the other systems are asked per agency."""
    agencies = list(Agency.objects.order_by("rollout_wave", "planned_go_live", "name"))
    rows = [(a, *progress) for a, progress in checklist_progress(agencies).items()]
    return render(request, "backoffice/rollout.html", {"rows": rows})


@staff_member_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def new_agency(request: HttpRequest) -> HttpResponse:
    form = NewAgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = form.save()
        messages.success(request, _("The agency is created. Set up the integration next."))
        return redirect("agency-setup", agency_id=agency.agency_id)
    return render(request, "backoffice/new_agency.html", {"form": form})


def task_values(task: Task, agency: Agency) -> list[tuple[str, str, bool]]:
    """What the task tells the municipality to fill in, the start date from its plan: (label,
    value, whether the value is to be copied as it stands)."""
    planned = agency.planned_go_live

    def shown(value: str) -> tuple[str, bool]:
        if value != GO_LIVE_DATE:
            return value, True
        if planned:
            return date_format(planned), True
        return _("not planned yet: set the go-live date in the set-up"), False

    return [(label, *shown(value)) for label, value in task.values]


@staff_member_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def agency_checklist(request: HttpRequest, agency_id: str) -> HttpResponse:
    agency = _agency(agency_id)
    statuses = checklist(agency)
    rows = [
        (
            s,
            STATUS_LABELS[s.status],
            [(c.value, STATUS_LABELS[c]) for c in sign_off_choices(s)],
            task_values(s.task, agency),
        )
        for s in statuses
    ]
    context = {
        "agency": agency,
        "statuses": statuses,
        "rows": rows,
        "done": tasks_done(statuses),
        "may_sign": request.user.has_perm("backoffice.signoff_task"),
        "may_change": request.user.has_perm(CHANGE),
        "switch_form": SwitchOnForm(),
    }
    return render(request, "backoffice/checklist.html", context)


@staff_member_required
@permission_required("backoffice.signoff_task", raise_exception=True)
@require_POST
def sign_off(request: HttpRequest, agency_id: str) -> HttpResponse:
    agency = _agency(agency_id)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:  # an ErrorList yields its messages as text
                messages.error(request, str(error))
        return redirect("agency-checklist", agency_id=agency.agency_id)
    data = form.cleaned_data
    try:
        sign_off_task(
            agency,
            task=data["task"],
            status=data["status"],
            note=data["note"],
            actor=staff_actor(request),
        )
    except DomainError as error:
        messages.error(request, _(error.message))
    else:
        messages.success(request, _("Recorded."))
    return redirect("agency-checklist", agency_id=agency.agency_id)


@staff_member_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def agency_setup(request: HttpRequest, agency_id: str) -> HttpResponse:
    agency = _agency(agency_id)
    form = SetupForm(request.POST or None, instance=Agency.objects.get(pk=agency.pk))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in SetupForm.Meta.fields}
        try:
            change_settings(
                agency,
                values,
                actor=staff_actor(request),
                preview_code=form.cleaned_data["preview_code"],
            )
        except DomainError as error:
            messages.error(request, _(error.message))
        else:
            messages.success(request, _("The set-up is saved."))
            return redirect("agency-checklist", agency_id=agency.agency_id)
    history = [
        (change, setting_title(change.field))
        for change in SettingChange.objects.filter(agency=agency).order_by("-id")[:100]
    ]
    return render(
        request, "backoffice/setup.html", {"agency": agency, "form": form, "history": history}
    )


def setting_title(name: str) -> str:
    """A journalled setting's name as the set-up form shows it."""
    if name == GO_LIVE_OVERRIDE:
        return _("go-live despite open tasks (override)")
    try:
        field = Agency._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(field.verbose_name) if isinstance(field, Field) else name


@staff_member_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def agency_switch_on(request: HttpRequest, agency_id: str) -> HttpResponse:
    agency = _agency(agency_id)
    form = SwitchOnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the dry-run code."))
        return redirect("agency-checklist", agency_id=agency.agency_id)
    try:
        activation = switch_on(
            agency,
            preview_code=form.cleaned_data["preview_code"],
            actor=staff_actor(request),
        )
    except GoLiveBlocked as blocked:
        messages.error(request, _(blocked.message))
        for status in blocked.standing:
            messages.error(request, _(status.task.title))
    except DomainError as error:
        messages.error(request, _(error.message))
    else:
        messages.success(
            request,
            _("The integration is on: %(count)d claims are on their way.")
            % {"count": activation.handed_over},
        )
    return redirect("agency-checklist", agency_id=agency.agency_id)


@staff_member_required
@permission_required("backoffice.view_cleansing", raise_exception=True)
@require_GET
def cleansing(request: HttpRequest, agency_id: str) -> HttpResponse:
    agency = _agency(agency_id)
    result = current_report(agency)
    wanted = request.GET.get("fund", "")
    rows = [
        (patron_id, found)
        for patron_id, found in result.rows
        if not wanted or any(f.value == wanted for f in found)
    ]
    patrons = Patron.objects.in_bulk([patron_id for patron_id, _found in rows[:MAX_ROWS]])
    shown = [(patrons[patron_id], found) for patron_id, found in rows[:MAX_ROWS]]
    context = {
        "agency": agency,
        "counts": [
            (f, f.severity.value, SEVERITY_LABELS[f.severity], result.counts.get(f, 0))
            for f in Finding
        ],
        "blocking": result.blocking,
        "rows": shown,
        "more": max(0, len(rows) - MAX_ROWS),
        "wanted": wanted,
    }
    return render(request, "backoffice/cleansing.html", context)


@staff_member_required
@permission_required("backoffice.view_dashboard", raise_exception=True)
@require_GET
def overview_dashboard(request: HttpRequest) -> HttpResponse:
    agency = Agency.objects.filter(agency_id=request.GET.get("agency", "")).first()
    figures = counted(f"dashboard:{agency.pk if agency else 'all'}", lambda: dashboard(agency))
    data = figures.value
    context = {
        "agency": agency,
        "as_of": figures.as_of,
        "agencies": Agency.objects.order_by("name"),
        "per_day_count": charts.columns_by_day(
            data.days,
            [(_("handed over"), data.handed_over), (_("covered"), data.covered)],
            title=_("Claims handed over and covered per day"),
        ),
        "per_day_amount": charts.columns_by_day(
            data.days,
            [(_("handed over"), data.handed_over_ore), (_("covered"), data.covered_ore)],
            title=_("Amounts handed over and covered per day"),
            show=format_kroner,
        ),
        "open_by_state": charts.horizontal_bars(
            data.open_by_state, title=_("Open amount by state and claim type"), show=format_kroner
        ),
        "tasks_by_cause": charts.horizontal_bars(
            data.tasks_by_cause, title=_("Open error tasks by cause")
        ),
        "coverage_delay": charts.horizontal_bars(
            data.coverage_delay, title=_("Time from payment to coverage received")
        ),
    }
    return render(request, "backoffice/dashboard.html", context)
