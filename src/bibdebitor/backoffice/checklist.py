"""The go-live checklist of one agency: each task's status, with the reasons an automatic
check fails, asked of the ledger, the service platform and the debtor system."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from bibdebitor.backoffice.cleansing import blocking_findings
from bibdebitor.backoffice.models import SettingChange, SignOff
from bibdebitor.domain.agreements import AgreementState
from bibdebitor.domain.golive import (
    GO_LIVE,
    TASKS_BY_KEY,
    Check,
    Status,
    Task,
    TaskStatus,
    tasks_for,
)
from bibdebitor.domain.money import format_count
from bibdebitor.ledger.models import Agency
from bibdebitor.sortiment.cutover import latest_dry_run
from bibdebitor.transfer.activation import missing_settings
from bibdebitor.transfer.platform import (
    COVERAGE,
    REGISTRATION,
    DebtorSetup,
    PlatformStatus,
    read_debtor_setup,
    read_status,
)

UNREACHABLE = {
    "no_platform": gettext_noop("No service platform is set up (BIBDEBITOR_PLATFORM_URL)."),
    "unreachable": gettext_noop("The other system does not answer."),
    "unknown_municipality": gettext_noop(
        "The municipality is not registered on the service platform."
    ),
    "no_organisation": gettext_noop("The municipality's organisation UUID is not set."),
}


STATUS_LABELS = {
    Status.DONE: gettext_lazy("done"),
    Status.FAILING: gettext_lazy("not yet"),
    Status.OPEN: gettext_lazy("open"),
    Status.NOT_APPLICABLE: gettext_lazy("not relevant"),
}
# The set-up journal's name for switching on over open tasks (``switch_on(override=…)``).
GO_LIVE_OVERRIDE = "go_live_override"
# How many agencies' checklists are asked of the other systems at once (national view).
PARALLEL_CHECKLISTS = 8


@dataclass(slots=True)
class Facts:
    """What the checks look at, each asked once per page."""

    agency: Agency
    platform: PlatformStatus
    debtor: DebtorSetup
    blocking_findings: int


def gather(agency: Agency) -> Facts:
    return Facts(agency, read_status(agency), read_debtor_setup(), blocking_findings(agency))


def _cannot_ask(error: str) -> list[str]:
    if error in UNREACHABLE:
        return [_(UNREACHABLE[error])]
    return [_("The other system could not be asked (%s).") % error]


def _route(facts: Facts) -> list[str]:
    if facts.platform.error:
        return _cannot_ask(facts.platform.error)
    return [
        _("No route for %(service)s leads to the expected system.") % {"service": s.name}
        for s in facts.platform.services
        if not s.routed
    ]


def _agreement(service: str) -> Callable[[Facts], list[str]]:
    def check(facts: Facts) -> list[str]:
        if facts.platform.error:
            return _cannot_ask(facts.platform.error)
        found = next((s for s in facts.platform.services if s.service == service), None)
        if found is None or found.agreement is None:
            return [_("No agreement has been requested.")]
        if found.agreement is not AgreementState.APPROVED:
            return [_("The agreement is %(state)s.") % {"state": _(found.agreement.value)}]
        return []

    return check


def _subscription(facts: Facts) -> list[str]:
    reasons = []
    if facts.agency.org_unit_uuid is None:
        reasons.append(_("The organisational unit (debtor account reference) is not set."))
    if facts.debtor.error:
        return reasons + _cannot_ask(facts.debtor.error)
    if not facts.debtor.subscribed:
        reasons.append(_("The debtor system does not subscribe to the FBS sortiment."))
    return reasons


def _mapping(facts: Facts) -> list[str]:
    if facts.debtor.error:
        return _cannot_ask(facts.debtor.error)
    if not facts.debtor.subscribed:
        return [_("The sortiment is not subscribed, so nothing can be mapped.")]
    return [_("Not mapped: %(key)s") % {"key": key} for key in facts.debtor.unmapped]


def _debtor_rules(facts: Facts) -> list[str]:
    if facts.debtor.error:
        return _cannot_ask(facts.debtor.error)
    return [
        _("No rule for claim type %(key)s") % {"key": key} for key in facts.debtor.missing_rules
    ]


def _cleansing(facts: Facts) -> list[str]:
    if facts.blocking_findings <= facts.agency.cleansing_limit:
        return []
    return [
        _("%(count)s blocking findings; the limit is %(limit)s.")
        % {
            "count": format_count(facts.blocking_findings),
            "limit": format_count(facts.agency.cleansing_limit),
        }
    ]


def _cutoff(facts: Facts) -> list[str]:
    agency = facts.agency
    if agency.cutoff_date is None:
        return [_("No cut-off date is chosen.")]
    # A dry run kept for the date: staff made it (a POST) and were shown it.
    if latest_dry_run(agency, agency.cutoff_date) is None:
        return [_("Nobody has looked at the dry run for the chosen cut-off date.")]
    return []


def _active(facts: Facts) -> list[str]:
    reasons = [
        _("Missing: %(setting)s") % {"setting": _(m)} for m in missing_settings(facts.agency)
    ]
    if not facts.agency.integration_active:
        reasons.append(_("The integration is not switched on."))
    return reasons


CHECKS: dict[Check, Callable[[Facts], list[str]]] = {
    Check.ROUTE: _route,
    Check.SUBSCRIPTION: _subscription,
    Check.AGREEMENT_REGISTRATION: _agreement(REGISTRATION),
    Check.AGREEMENT_COVERAGE: _agreement(COVERAGE),
    Check.MAPPING: _mapping,
    Check.DEBTOR_RULES: _debtor_rules,
    Check.CLEANSING: _cleansing,
    Check.CUTOFF: _cutoff,
    Check.ACTIVE: _active,
}


def latest_sign_offs(agencies: Iterable[Agency]) -> dict[int, dict[str, SignOff]]:
    """Per agency, each task's newest sign-off (the one that counts)."""
    latest: dict[int, dict[str, SignOff]] = defaultdict(dict)
    for sign_off in SignOff.objects.filter(agency__in=list(agencies)).order_by("id"):
        latest[sign_off.agency_id][sign_off.task] = sign_off
    return latest


def _status(task: Task, facts: Facts, sign_off: SignOff | None) -> TaskStatus:
    signed = (sign_off.note, sign_off.signed_by) if sign_off else ("", "")
    if sign_off is not None and sign_off.status == Status.NOT_APPLICABLE:
        return TaskStatus(task, Status.NOT_APPLICABLE, (), *signed)
    if task.check is None:  # a manual task
        done = sign_off is not None and sign_off.status == Status.DONE
        return TaskStatus(task, Status.DONE if done else Status.OPEN, (), *signed)
    reasons = CHECKS[task.check](facts)
    return TaskStatus(task, Status.FAILING if reasons else Status.DONE, tuple(reasons), *signed)


def _overridden(status: TaskStatus, agency: Agency) -> TaskStatus:
    """Go-live done over open tasks says so: who switched on, why, and what was open."""
    if status.task is not GO_LIVE or status.status is not Status.DONE:
        return status
    override = (
        SettingChange.objects.filter(agency=agency, field=GO_LIVE_OVERRIDE).order_by("-id").first()
    )
    if override is None:
        return status
    titles = [_(TASKS_BY_KEY[key].title) for key in override.old_value.split(", ") if key]
    note = _("switched on over open tasks (%(tasks)s): %(reason)s") % {
        "tasks": "; ".join(titles),
        "reason": override.new_value,
    }
    return TaskStatus(status.task, status.status, status.reasons, note, override.changed_by)


def checklist(agency: Agency, facts: Facts | None = None) -> list[TaskStatus]:
    facts = facts or gather(agency)
    sign_offs = latest_sign_offs([agency])[agency.pk]
    return [
        _overridden(_status(task, facts, sign_offs.get(task.key)), agency)
        for task in tasks_for(agency.debtor_vendor)
    ]


def tasks_done(statuses: list[TaskStatus]) -> int:
    """Tasks that no longer stand in the way: done, or ruled out as not relevant."""
    return sum(s.status in (Status.DONE, Status.NOT_APPLICABLE) for s in statuses)


def checklist_progress(agencies: list[Agency]) -> dict[Agency, tuple[int, int]]:
    """Each agency's (done, total) exactly as its checklist page counts them. The other
    systems are asked for all agencies at once (HTTP only in the threads; the ledger is
    read here, on this request's connection)."""
    with ThreadPoolExecutor(max_workers=PARALLEL_CHECKLISTS) as pool:
        debtor = pool.submit(read_debtor_setup)
        platform = list(pool.map(read_status, agencies))
    progress = {}
    for agency, status in zip(agencies, platform, strict=True):
        facts = Facts(agency, status, debtor.result(), blocking_findings(agency))
        statuses = checklist(agency, facts)
        progress[agency] = (tasks_done(statuses), len(statuses))
    return progress
