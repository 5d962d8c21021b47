"""``bibdebitor-debtor coverage-worker``: send coverage back to the library systems until
stopped (SIGTERM/SIGINT finish the call in hand first)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from bibdebitor.common.stopping import stop_on_signals
from bibdebitor.debtor.coverage import CoverageReporter


class Command(BaseCommand):
    help = "Send coverage (payments, write-offs) back to the library systems."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due, then stop")
        parser.add_argument("--idle", type=float, default=0.2, help="seconds between polls")
        parser.add_argument("--retry-base", type=float, default=2.0)

    def handle(
        self, *args: object, once: bool, idle: float, retry_base: float, **o: object
    ) -> None:
        reporter = CoverageReporter(retry_base=retry_base)
        try:
            if once:
                result = reporter.run_once()
                self.stdout.write(
                    f"{result.sent} sent: {result.accepted} received, "
                    f"{result.rejected} refused, {result.retried} to retry"
                )
                return
            stop = stop_on_signals()
            reporter.run(stop, idle_seconds=idle)
        finally:
            reporter.close()
