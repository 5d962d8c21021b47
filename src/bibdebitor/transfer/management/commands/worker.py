"""``bibdebitor worker``: send the outbox to the debtor system until stopped (SIGTERM/SIGINT
finish the batch in hand first). Run several on PostgreSQL; one on SQLite."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandParser

from bibdebitor.transfer.sender import Sender, SenderConfig


class Command(BaseCommand):
    help = "Deliver outbox messages to the debtor system."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due, then stop")
        parser.add_argument("--batch-size", type=int)
        parser.add_argument("--url", help="the SF1590 endpoint (default: from settings)")
        parser.add_argument("--name", help="this worker's name in the archive")

    def handle(
        self,
        *args: object,
        once: bool,
        batch_size: int | None,
        url: str | None,
        name: str | None,
        **options: object,
    ) -> None:
        sender = Sender(SenderConfig.from_settings(batch_size=batch_size, url=url), name=name)
        try:
            if once:
                self._drain(sender)
            else:
                stop = threading.Event()
                for number in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(number, lambda *_: stop.set())
                self.stdout.write(f"worker {sender.name} sending to {sender.config.url}")
                sender.run(stop)
        finally:
            sender.close()

    def _drain(self, sender: Sender) -> None:
        totals = [0, 0, 0]
        while (result := sender.run_once()).sent:
            totals = [totals[0] + result.accepted, totals[1] + result.rejected, totals[2] + 1]
            if result.retried:
                break  # the rest is due later; a running worker will take it
        self.stdout.write(
            f"{totals[2]} calls: {totals[0]} accepted, {totals[1]} rejected (error tasks)"
        )
