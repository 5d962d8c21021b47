"""``bibdebitor-debtor clock``: show, set or advance the debtor system's clock. Advancing runs
the daily run (invoices, reminders, hand-overs) for every day that passes, at every instance."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bibdebitor.debtor import clock
from bibdebitor.debtor.cycle import advance


class Command(BaseCommand):
    help = "Show, set (--now) or advance (--advance-days) the debtor system's clock."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--now", help="ISO date or date-time to set the clock to")
        group.add_argument("--advance-days", type=int, help="days to move forward, running each")

    def handle(self, *args: object, now: str | None, advance_days: int | None, **o: object) -> None:
        if now:
            self._set(now)
        elif advance_days is not None:
            if advance_days < 0:
                raise CommandError("The clock only moves forward.")
            self._advance(advance_days)
        self.stdout.write(f"Debitorsystemets tid: {clock.now():%Y-%m-%d %H:%M}")

    def _set(self, text: str) -> None:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise CommandError("--now must be an ISO date or date-time.") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        clock.set_now(moment, note="sat fra kommandolinjen")

    def _advance(self, days: int) -> None:
        for instance, total in advance(days).items():
            self.stdout.write(
                f"{instance.name}: {total.invoices} fakturaer, {total.reminders} rykkere, "
                f"{total.handed_over} overdraget til inddrivelse"
            )
