"""The demo's story, step by step, on a running landscape: the dry run, the cut-over, the
hand-over, a few months in the debtor system (invoices, payments, reminders, write-offs,
hand-over to PSRM), coverage back to the library, and reconciliation. Each step reports to a
rich console; long steps show progress bars. The result is a summary read from both sides."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bibdebitor.backoffice.setup import change_settings, switch_on
from bibdebitor.demo.landscape import Landscape
from bibdebitor.domain import actors
from bibdebitor.domain.claims import EventKind
from bibdebitor.ledger.models import Agency, ClaimEvent
from bibdebitor.sortiment.console import print_preview
from bibdebitor.sortiment.cutover import Preview, Tally, preview_from_json, store_dry_run
from bibdebitor.transfer.models import MessageState, OutboxMessage, ReconciliationRun
from bibdebitor.transfer.reconciliation import StatementSource, reconcile
from bibdebitor.transfer.tasks import open_tasks

ACTOR = actors.system("demo")

UNFINISHED = (MessageState.PENDING, MessageState.LEASED)
# The library's claims the debtor system handed over to PSRM, with what was open then.
HANDED_OVER_FOR_COLLECTION = """
    SELECT count(*), coalesce(sum(balance), 0) FROM (
        SELECT (SELECT sum(e.delta_ore) FROM debtor_claimentry e WHERE e.claim_id = c.id) balance
        FROM debtor_debtorclaim c
        WHERE c.origin = 'library' AND EXISTS (
            SELECT 1 FROM debtor_claimentry h WHERE h.claim_id = c.id AND h.kind = 'handed_over'
        )
    )
"""


@dataclass(frozen=True, slots=True)
class Month:
    """One stretch of the debtor system's calendar and what people do at its end."""

    days: int
    pay_full: float = 0.0
    pay_part: float = 0.0
    write_off: float = 0.0


# Invoice on day 0 (deadline 30 days), reminders every 10 days after it, notice of hand-over
# with the last one, hand-over to PSRM 14 days later: about 110 days show every step.
CALENDAR = (
    Month(0, pay_full=0.45, pay_part=0.1),
    Month(35, pay_full=0.3),
    Month(30, write_off=0.05),
    Month(45),
)


@dataclass
class Summary:
    dry_run_code: str = ""
    handed_over: int = 0
    accepted: int = 0
    paid: Tally = field(default_factory=Tally)
    written_off: Tally = field(default_factory=Tally)
    collected: Tally = field(default_factory=Tally)
    invoices: int = 0
    reminders: int = 0
    errors_by_cause: Counter[str] = field(default_factory=Counter)
    library_claims: int = 0
    debtor_claims: int = 0
    discrepancies: int = -1
    reconciliation_error: str = ""


class Scenario:
    def __init__(
        self, landscape: Landscape, agency: Agency, cutoff: dt.date, console: Console
    ) -> None:
        self.landscape = landscape
        self.agency = agency
        self.cutoff = cutoff
        self.console = console
        self.summary = Summary()

    def run(self) -> Summary:
        self.cut_over(self.dry_run())
        self.hand_over()
        self.debtor_calendar()
        self.coverage_back()
        self.reconcile()
        self.count_outcomes()
        return self.summary

    # --- the steps --------------------------------------------------------------------------

    def dry_run(self) -> Preview:
        self.step(_("Dry run for the cut-off date %(date)s") % {"date": self.cutoff})
        # Kept, as staff would make it, so the back-office shows the same dry run.
        result = preview_from_json(store_dry_run(self.agency, self.cutoff, actor=ACTOR).result)
        print_preview(self.console, result, with_cleansing=False)
        self.summary.dry_run_code = result.fingerprint
        self.console.print(_("Dry-run code: %(code)s") % {"code": result.fingerprint})
        return result

    def cut_over(self, dry_run: Preview) -> None:
        self.step(_("Cut-over: the integration is switched on"))
        # As an operator would: the cut-off date (and where citizens pay the municipality)
        # through the journalled set-up, then switched
        # on through the checklist's gate; the demo's manual tasks (meetings, orders with the
        # vendors) cannot be done here, so it switches on over them with a journalled reason.
        debtor = self.landscape.debtor
        portal = f"{debtor.base_url}/betalingsoverblik/{debtor.instance}/"
        change_settings(
            self.agency, {"cutoff_date": self.cutoff, "debtor_portal_url": portal}, actor=ACTOR
        )
        result = switch_on(
            self.agency,
            preview_code=dry_run.fingerprint,
            actor=ACTOR,
            override=_("Demo: the manual go-live tasks are not carried out in a demo."),
        )
        self.summary.handed_over = result.handed_over
        self.console.print(_("%(count)d claims are in the outbox.") % {"count": result.handed_over})

    def hand_over(self) -> None:
        self.step(_("Hand-over: library → service platform → debtor system"))
        self.landscape.start_worker("sender")
        messages = OutboxMessage.objects.filter(agency=self.agency)
        total = messages.count()
        self.wait(
            _("Claims delivered"),
            total,
            lambda: total - messages.filter(state__in=UNFINISHED).count(),
        )

    def debtor_calendar(self) -> None:
        self.step(_("The debtor system's calendar: invoices, payments, reminders, write-offs"))
        debtor = self.landscape.debtor
        days = sum(month.days for month in CALENDAR)
        with self.progress() as bar:
            task = bar.add_task(_("Days in the debtor system"), total=days)
            for number, month in enumerate(CALENDAR):
                for chunk in chunks(month.days, 10):
                    debtor.manage("clock", f"--advance-days={chunk}")
                    bar.advance(task, chunk)
                debtor.manage(
                    "simulate",
                    f"--instance={debtor.instance}",
                    f"--pay-full={month.pay_full}",
                    f"--pay-part={month.pay_part}",
                    f"--write-off={month.write_off}",
                    f"--seed={number}",
                )

    def coverage_back(self) -> None:
        self.step(_("Coverage: payments and write-offs back to the library"))
        debtor = self.landscape.debtor

        def count(where: str) -> int:
            sql = f"SELECT count(*) FROM debtor_coveragemessage {where}"  # noqa: S608 - fixed
            found: int = debtor.query(sql)[0][0]
            return found

        total = count("")
        self.wait(
            _("Coverage messages received"),
            total,
            lambda: count("WHERE state NOT IN ('pending', 'leased')"),
        )

    def reconcile(self) -> None:
        self.step(_("Reconciliation: the ledger against the debtor system's statement"))
        source = StatementSource(self.landscape.statement_url, self.landscape.debtor.token)
        run: ReconciliationRun = reconcile(self.agency, source, actor=ACTOR)
        self.summary.library_claims = run.library_claims
        self.summary.debtor_claims = run.debtor_claims
        self.summary.discrepancies = run.discrepancy_count
        self.summary.reconciliation_error = run.error

    def count_outcomes(self) -> None:
        events = ClaimEvent.objects.filter(claim__agency=self.agency)
        self.summary.accepted = events.filter(kind=EventKind.ACCEPTED).count()
        self.summary.paid = claims_with(events, EventKind.COVERED)
        self.summary.written_off = claims_with(events, EventKind.WRITTEN_OFF)
        tasks = open_tasks().filter(agency=self.agency).values_list("code", flat=True)
        self.summary.errors_by_cause = Counter(tasks)
        debtor = self.landscape.debtor
        (count, amount), *_rest = debtor.query(HANDED_OVER_FOR_COLLECTION)
        self.summary.collected = Tally(count, amount)
        documents = dict(debtor.query("SELECT kind, count(*) FROM debtor_document GROUP BY kind"))
        self.summary.invoices = documents.get("invoice", 0)
        self.summary.reminders = documents.get("reminder", 0)

    # --- presentation -------------------------------------------------------------------------

    def step(self, title: str) -> None:
        self.console.rule(f"[bold]{title}")

    def progress(self) -> Progress:
        return Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )

    def wait(self, label: str, total: int, done: Callable[[], int], timeout: float = 900.0) -> None:
        """Follow ``done()`` up to ``total`` (a stuck pipeline is an error, not a hang)."""
        deadline = time.monotonic() + timeout
        with self.progress() as bar:
            task = bar.add_task(label, total=total)
            while (finished := done()) < total:
                bar.update(task, completed=finished)
                if time.monotonic() > deadline:
                    raise TimeoutError(label)
                time.sleep(0.2)
            bar.update(task, completed=total)


def claims_with(events: QuerySet[ClaimEvent], kind: EventKind) -> Tally:
    chosen = events.filter(kind=kind).aggregate(
        count=Count("claim", distinct=True), amount=Sum("amount_ore")
    )
    return Tally(chosen["count"], abs(chosen["amount"] or 0))


def chunks(total: int, size: int) -> list[int]:
    """``total`` days in steps of at most ``size`` (0 days: run today once)."""
    return [min(size, total - start) for start in range(0, total, size)] or [0]
