"""``bibdebitor-debtor bank-file --instance UUID FILE``: book a bank file of FI payments
(``dato;beløb;kodelinje;reference``), as the nightly import from the bank does."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bibdebitor.debtor.models import Instance
from bibdebitor.debtor.payments import import_bank_file
from bibdebitor.domain.money import format_kroner


class Command(BaseCommand):
    help = "Book a bank file of FI payments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instance", type=uuid.UUID, required=True)
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, instance: uuid.UUID, file: Path, **o: object) -> None:
        target = Instance.objects.filter(instance_uuid=instance).first()
        if target is None:
            raise CommandError("Ukendt debitorsysteminstans.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Filen kan ikke læses: {error.strerror}") from None
        report = import_bank_file(target, data)
        self.stdout.write(
            f"{report.booked} bogført, {report.unplaced} uplaceret, "
            f"{report.duplicates} allerede bogført, i alt {format_kroner(report.amount_ore)}"
        )
        for line, text in report.errors:
            self.stderr.write(f"linje {line}: {text}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} linjer kunne ikke bogføres.")
