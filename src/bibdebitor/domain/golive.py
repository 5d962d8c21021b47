"""KOMBIT's go-live tasks for the debtor integration on FBS (seed 003), in the recommended
order, plus Lyngby-Taarbæk's data cleansing (seed 000) and the dry run. Pure Python.

Each task has a goal, who should do it, and either an automatic check (``check``: the
system can know) or a manual sign-off. The vendor-specific ordering tasks apply to one
vendor each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bibdebitor.domain import fbs
from bibdebitor.domain.errors import gettext_noop
from bibdebitor.domain.vendors import Vendor

GO_LIVE_DATE = "go-live date"  # a value the checklist fills in from the agency's plan


class Check(StrEnum):
    ROUTE = "route"
    SUBSCRIPTION = "subscription"
    AGREEMENT_REGISTRATION = "agreement_registration"
    AGREEMENT_COVERAGE = "agreement_coverage"
    MAPPING = "mapping"
    DEBTOR_RULES = "debtor_rules"
    CLEANSING = "cleansing"
    CUTOFF = "cutoff"
    ACTIVE = "active"


class Status(StrEnum):
    DONE = "done"
    FAILING = "failing"  # an automatic check says no (with its reasons)
    OPEN = "open"  # a manual task not signed off yet
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class Task:
    key: str
    title: str
    goal: str
    performer: str
    check: Check | None = None
    vendors: frozenset[str] = frozenset()  # empty: every vendor
    # What the task tells the municipality to fill in, word for word (seed 003), and a hint.
    values: tuple[tuple[str, str], ...] = ()
    hint: str = ""

    @property
    def manual(self) -> bool:
        return self.check is None

    def applies_to(self, vendor: str) -> bool:
        return not self.vendors or vendor in self.vendors


PROJECT_LEAD = gettext_noop("Project lead")
DEBTOR_STAFF = gettext_noop("ØiR coordinator or debtor staff")
AGREEMENT_ADMIN = gettext_noop("Agreement administrator")
SYSTEM_ADMIN = gettext_noop("FBS system administrator")

TASKS: tuple[Task, ...] = (
    Task(
        "organisation",
        gettext_noop("Establish the organisation"),
        gettext_noop("Who takes part from the library and the debtor side, and when."),
        PROJECT_LEAD,
    ),
    Task(
        "workflows",
        gettext_noop("Map the workflows for the debtor integration"),
        gettext_noop("How citizens pay, and how blocked borrowers are handled, from now on."),
        PROJECT_LEAD,
    ),
    Task(
        "order_kmd",
        gettext_noop("Order the technical set-up – KMD Opus"),
        gettext_noop("KMD sets up the route from the service platform to KMD Opus."),
        DEBTOR_STAFF,
        Check.ROUTE,
        frozenset({Vendor.KMD_OPUS}),
        values=(
            ("Fagsystemnavn", fbs.SYSTEM_NAME),
            ("Fagsystemnavn UUID", str(fbs.SYSTEM_UUID)),
            ("Fagsystem sortiment UUID", str(fbs.SORTIMENT_UUID)),
            ("ØiR-operationer (kryds)", " og ".join(fbs.OPERATIONS)),
            ("Startdato", GO_LIVE_DATE),
        ),
    ),
    Task(
        "order_fujitsu",
        gettext_noop("Order the route – Fujitsu"),
        gettext_noop("Fujitsu sets up the route to Prisme."),
        DEBTOR_STAFF,
        Check.ROUTE,
        frozenset({Vendor.PRISME_2015, Vendor.PRISME_2009}),
        values=(
            ("Fagsystemnavn (tabel 10)", fbs.SYSTEM_NAME),
            ("Fagsystemnavn UUID (tabel 10)", str(fbs.SYSTEM_UUID)),
            ("Servicenavn (tabel 12)", fbs.FUJITSU_SERVICE_NAME),
            ("Entity id (tabel 12)", fbs.FUJITSU_ENTITY_ID),
            ("Datatype (InfRef, tabel 13)", fbs.FUJITSU_DATATYPE),
        ),
    ),
    Task(
        "order_eg",
        gettext_noop("Order the route – EG"),
        gettext_noop("EG sets up the route to ØS Indsigt."),
        gettext_noop("Debtor project lead"),
        Check.ROUTE,
        frozenset({Vendor.EG_OS}),
    ),
    Task(
        "communicate_internal",
        gettext_noop("Prepare and communicate internally"),
        gettext_noop("Staff at the libraries and the debtor office know what changes and when."),
        PROJECT_LEAD,
    ),
    Task(
        "communicate_external",
        gettext_noop("Prepare and communicate externally"),
        gettext_noop("Citizens know how and where they pay from the go-live date."),
        PROJECT_LEAD,
    ),
    Task(
        "subscription",
        gettext_noop("Subscribe the debtor system to the FBS sortiment"),
        gettext_noop(
            "The sortiment is extended with the library's organisational unit and the debtor "
            "system subscribes to it."
        ),
        gettext_noop("Sortiment and classification administrator"),
        Check.SUBSCRIPTION,
    ),
    Task(
        "agreement_registration",
        gettext_noop("Approve service agreement SF1590_B_01 DebitorRegistreringAfsend"),
        gettext_noop("FBS may hand claims over to the municipality's debtor system."),
        AGREEMENT_ADMIN,
        Check.AGREEMENT_REGISTRATION,
    ),
    Task(
        "agreement_coverage",
        gettext_noop("Approve service agreement SF1590_B_01A DækningAfskrivningRegistreringAfsend"),
        gettext_noop("The debtor system may report payments and write-offs back to FBS."),
        AGREEMENT_ADMIN,
        Check.AGREEMENT_COVERAGE,
    ),
    Task(
        "mapping",
        gettext_noop("Map the sortiment in the debtor system"),
        gettext_noop("Every claim type and account type has a line in the mapping table."),
        gettext_noop("Debtor staff with system access"),
        Check.MAPPING,
        # Seed 000 (Lyngby-Taarbæk): "husk at mappe på 'kravtyper' ikke 'PSRM kravtyper'".
        hint=gettext_noop('Map to the "kravtyper", not to the "PSRM kravtyper".'),
    ),
    Task(
        "debtor_rules",
        gettext_noop("Set up rules in the debtor system"),
        gettext_noop("Invoicing, reminders and collection are decided for every claim type."),
        DEBTOR_STAFF,
        Check.DEBTOR_RULES,
    ),
    Task(
        "cleansing",
        gettext_noop("Cleanse the patron data"),
        gettext_noop(
            "Patrons whose claims could not be handed over are fixed: CPR, CVR, guardians."
        ),
        gettext_noop("Library staff"),
        Check.CLEANSING,
    ),
    Task(
        "cutoff",
        gettext_noop("Choose the cut-off date and view the dry run"),
        gettext_noop("Everyone has seen what the cut-off date will hand over."),
        PROJECT_LEAD,
        Check.CUTOFF,
    ),
    Task(
        "go_live",
        gettext_noop("Put the debtor integration SF1590_B_01 into operation"),
        gettext_noop("The integration is switched on with the chosen cut-off date."),
        SYSTEM_ADMIN,
        Check.ACTIVE,
    ),
)
TASKS_BY_KEY = {task.key: task for task in TASKS}
GO_LIVE = TASKS_BY_KEY["go_live"]


def tasks_for(vendor: str) -> list[Task]:
    return [task for task in TASKS if task.applies_to(vendor)]


@dataclass(frozen=True, slots=True)
class TaskStatus:
    task: Task
    status: Status
    reasons: tuple[str, ...] = ()
    note: str = ""
    signed_by: str = ""


def sign_off_choices(status: TaskStatus) -> list[Status]:
    """What a sign-off may change a task's status to: only real changes, so the form never
    offers (or preselects) the status the task already has. A manual task can be done, an
    automatic one only its check makes done; either can be ruled out and reopened."""
    choices = []
    if status.task.manual and status.status is not Status.DONE:
        choices.append(Status.DONE)
    if status.status is not Status.NOT_APPLICABLE:
        choices.append(Status.NOT_APPLICABLE)
    if status.status is Status.NOT_APPLICABLE or (
        status.task.manual and status.status is Status.DONE
    ):
        choices.append(Status.OPEN)
    return choices


def ready_to_go_live(statuses: list[TaskStatus]) -> list[TaskStatus]:
    """The tasks still standing in the way of switching on (every task before go-live)."""
    return [
        s for s in statuses if s.task is not GO_LIVE and s.status in (Status.FAILING, Status.OPEN)
    ]
