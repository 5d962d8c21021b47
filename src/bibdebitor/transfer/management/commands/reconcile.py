"""``bibdebitor reconcile [--agency ID …] [--csv F] [--xlsx F] [--daily-at HH:MM]``: compare
the ledger with the debtor system's claim statement and print the result. Without
``--agency`` every agency with the integration switched on is reconciled. With
``--daily-at`` it keeps running and reconciles every day at that time (a scheduled run)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext
from rich.console import Console
from rich.table import Table

from bibdebitor.common.stopping import stop_on_signals
from bibdebitor.domain import actors
from bibdebitor.ledger.models import Agency
from bibdebitor.transfer import reports
from bibdebitor.transfer.models import ReconciliationRun
from bibdebitor.transfer.reconciliation import StatementSource, reconcile


def next_daily(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The next moment at local time ``at`` after ``now``."""
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)


class Command(BaseCommand):
    help = "Reconcile the ledger with the debtor system."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", action="append", default=[])
        parser.add_argument("--url", help="the debtor system's statement (default: settings)")
        parser.add_argument("--csv", type=Path, help="write the result as CSV here")
        parser.add_argument("--xlsx", type=Path, help="write the result as XLSX here")
        parser.add_argument("--daily-at", help="HH:MM: keep running, reconcile daily then")
        parser.add_argument(
            "--actor", default="cli", help="who runs it (journalled as operator:NAME)"
        )
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(self, *args: object, agency: list[str], **options: object) -> None:
        translation.activate(str(options["language"]))
        source = StatementSource.from_settings()
        if options["url"]:
            source = StatementSource(str(options["url"]), source.token)
        agencies = self._agencies(agency)
        if (options["csv"] or options["xlsx"]) and len(agencies) != 1:
            # One file per run: several agencies would overwrite each other's result.
            raise CommandError(gettext("--csv and --xlsx need exactly one --agency."))
        daily_at = options["daily_at"]
        if not daily_at:
            failed = self._run(agencies, source, options)
            if failed:
                raise CommandError(
                    gettext("Reconciliation failed for %(count)d agencies.") % {"count": failed}
                )
            return
        try:
            at = dt.time.fromisoformat(str(daily_at))
        except ValueError:
            raise CommandError(gettext("--daily-at must be HH:MM.")) from None
        stop = stop_on_signals()
        while not stop.is_set():
            due = next_daily(timezone.localtime(), at)
            self.stdout.write(gettext("Next reconciliation: %(when)s") % {"when": due})
            if stop.wait((due - timezone.localtime()).total_seconds()):
                break
            self._run(self._agencies(agency), source, options)

    def _agencies(self, ids: list[str]) -> list[Agency]:
        if not ids:
            return list(Agency.objects.filter(integration_active=True))
        found = {a.agency_id: a for a in Agency.objects.filter(agency_id__in=ids)}
        unknown = sorted(set(ids) - set(found))
        if unknown:
            raise CommandError(gettext("No agency with that id.") + " " + ", ".join(unknown))
        return [found[i] for i in ids]

    def _run(self, agencies: list[Agency], source: StatementSource, options: dict[str, Any]) -> int:
        failed = 0
        for agency in agencies:
            run = reconcile(agency, source, actor=actors.operator(str(options["actor"])))
            self._print(run)
            failed += bool(run.error)
            if not run.error:
                self._export(run, options)
        return failed

    def _print(self, run: ReconciliationRun) -> None:
        console = Console(file=self.stdout, width=160)  # type: ignore[arg-type]  # OutputWrapper is a TextIOBase, not typing.IO
        if run.error:
            console.print(
                gettext("%(agency)s: the debtor system's statement could not be read: %(error)s")
                % {"agency": run.agency.agency_id, "error": run.error},
                markup=False,
            )
            return
        for title, header, rows in reports.sections(run):
            table = Table(title=f"{title} · {run.agency.agency_id}", title_justify="left")
            for name in header:
                table.add_column(name)
            for row in rows:
                table.add_row(*("" if v is None else str(v) for v in row))
            console.print(table)
        console.print(
            gettext(
                "%(library)d claims in the ledger, %(debtor)d in the debtor system, "
                "%(found)d discrepancies."
            )
            % {
                "library": run.library_claims,
                "debtor": run.debtor_claims,
                "found": run.discrepancy_count,
            },
            markup=False,
        )

    def _export(self, run: ReconciliationRun, options: dict[str, Any]) -> None:
        for key, render in (("csv", reports.as_csv), ("xlsx", reports.as_xlsx)):
            path = options[key]
            if path:
                Path(path).write_bytes(render(run))
