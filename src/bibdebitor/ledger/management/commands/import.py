"""``bibdebitor import patrons|claims FILE --agency ID``: all or nothing, with a report of
every bad line."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext, ngettext

from bibdebitor.domain import actors
from bibdebitor.ledger.csv_import import ImportRejected, import_claims, import_patrons
from bibdebitor.ledger.models import Agency

IMPORTERS = {"patrons": import_patrons, "claims": import_claims}
MAX_REPORTED = 500


class Command(BaseCommand):
    help = "Import patrons or claims from a CSV file (see docs/import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="the agency id, e.g. 717300")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(
        self, *args: object, what: str, file: Path, agency: str, language: str, **options: object
    ) -> None:
        translation.activate(language)
        try:
            target = Agency.objects.get(agency_id=agency)
        except Agency.DoesNotExist:
            raise CommandError(gettext("No agency with that id.")) from None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                gettext("Cannot read the file: %(reason)s") % {"reason": error.strerror}
            ) from None
        try:
            count = IMPORTERS[what](target, data, actor=actors.imported(file.name))
        except ImportRejected as rejected:
            for problem in rejected.errors[:MAX_REPORTED]:
                self.stderr.write(str(problem))
            if len(rejected.errors) > MAX_REPORTED:
                self.stderr.write(
                    gettext("… and %(count)d more errors.")
                    % {"count": len(rejected.errors) - MAX_REPORTED}
                )
            raise CommandError(
                gettext("The file was rejected: %(count)d errors. Nothing was imported.")
                % {"count": len(rejected.errors)}
            ) from None
        self.stdout.write(
            ngettext("%(count)d row imported.", "%(count)d rows imported.", count)
            % {"count": count}
        )
