"""``bibdebitor worker``: send the outbox to the debtor system until stopped (SIGTERM/SIGINT
finish the calls in hand first). ``--calls N`` keeps N calls in flight, each from its own
thread with its own connection and lease name, so one slow or timed-out answer holds up only
its own batch; the queue's lanes keep each account's messages in order. On SQLite the threads
take turns to write."""

from __future__ import annotations

import threading

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bibdebitor.common.stopping import stop_on_signals
from bibdebitor.transfer.sender import Sender, SenderConfig


class Command(BaseCommand):
    help = "Deliver outbox messages to the debtor system."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due, then stop")
        parser.add_argument("--batch-size", type=int)
        parser.add_argument("--url", help="the SF1590 endpoint (default: from settings)")
        parser.add_argument("--name", help="this worker's name in the archive")
        parser.add_argument(
            "--calls", type=int, default=1, help="calls in flight at once (default 1)"
        )

    def handle(
        self,
        *args: object,
        once: bool,
        batch_size: int | None,
        url: str | None,
        name: str | None,
        calls: int,
        **options: object,
    ) -> None:
        if calls < 1:
            raise CommandError("--calls must be at least 1")
        config = SenderConfig.from_settings(batch_size=batch_size, url=url)
        if once:
            sender = Sender(config, name=name)
            try:
                self._drain(sender)
            finally:
                sender.close()
            return
        stop = stop_on_signals()
        failed: list[BaseException] = []
        first = Sender(config, name=name)
        senders = [first] + [Sender(config, name=f"{first.name}/{n}") for n in range(2, calls + 1)]
        self.stdout.write(f"worker {first.name} sending to {config.url}, {calls} call(s) in flight")
        threads = [
            threading.Thread(target=_run, args=(sender, stop, failed), name=sender.name)
            for sender in senders
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failed:
            raise CommandError(f"a sender failed: {failed[0]!r}")

    def _drain(self, sender: Sender) -> None:
        totals = [0, 0, 0]
        while (result := sender.run_once()).sent:
            totals = [totals[0] + result.accepted, totals[1] + result.rejected, totals[2] + 1]
            if result.retried:
                break  # the rest is due later; a running worker will take it
        self.stdout.write(
            f"{totals[2]} calls: {totals[0]} accepted, {totals[1]} rejected (error tasks)"
        )


def _run(sender: Sender, stop: threading.Event, failed: list[BaseException]) -> None:
    """One sender's loop; if it fails, the others stop too, so the worker exits and its
    supervisor starts it again (no worker quietly running on fewer calls)."""
    try:
        sender.run(stop)
    except BaseException as error:
        failed.append(error)
        stop.set()
        raise
    finally:
        sender.close()
        connection.close()  # this thread's own
