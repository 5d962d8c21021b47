"""``bibdebitor-debtor post-letters``: the simulated post (Digital Post, paper, e-invoice)
sends every letter not sent yet, keeping the PDF it sent; runs until stopped, or ``--once``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from bibdebitor.common.stopping import stop_on_signals
from bibdebitor.debtor.letters import post_letters

BATCH = 50


class Command(BaseCommand):
    help = "Send the letters not sent yet (render and keep their PDFs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what waits, then stop")
        parser.add_argument("--idle", type=float, default=2.0, help="seconds between polls")

    def handle(self, *args: object, once: bool, idle: float, **options: object) -> None:
        if once:
            total = 0
            while sent := post_letters(limit=BATCH):
                total += sent
            self.stdout.write(f"{total} breve sendt")
            return
        stop = stop_on_signals()
        while not stop.is_set():
            if not post_letters(limit=BATCH):
                stop.wait(idle)
