"""``bibdebitor cutover-preview --agency ID --cutoff YYYY-MM-DD``: the dry run, printed, and
optionally exported. It writes nothing to the database."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext
from rich.console import Console

from bibdebitor.domain.dates import parse_date
from bibdebitor.domain.errors import DomainError
from bibdebitor.domain.money import format_kroner
from bibdebitor.ledger.models import Agency
from bibdebitor.sortiment.console import print_preview
from bibdebitor.sortiment.cutover import preview
from bibdebitor.sortiment.export import as_csv, as_xlsx


class Command(BaseCommand):
    help = "Preview a cut-over: what would be handed over for a cut-off date, and what not."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--cutoff", required=True, help="YYYY-MM-DD or DD-MM-YYYY")
        parser.add_argument("--csv", type=Path, help="write the result as CSV here")
        parser.add_argument("--xlsx", type=Path, help="write the result as XLSX here")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(
        self,
        *args: object,
        agency: str,
        cutoff: str,
        csv: Path | None,
        xlsx: Path | None,
        language: str,
        **options: object,
    ) -> None:
        translation.activate(language)
        try:
            day = parse_date(cutoff)
        except DomainError as error:
            raise CommandError(gettext(error.message)) from None
        try:
            target = Agency.objects.get(agency_id=agency)
        except Agency.DoesNotExist:
            raise CommandError(gettext("No agency with that id.")) from None
        result = preview(target, day)
        console = Console(file=self.stdout, width=140)  # type: ignore[arg-type]  # OutputWrapper is a TextIOBase, not typing.IO
        print_preview(console, result)
        total = result.moving_total
        console.print(
            gettext("%(count)d claims, %(amount)s, would be handed over.")
            % {"count": total.count, "amount": format_kroner(total.amount_ore)}
        )
        console.print(
            gettext("Dry-run code (needed to switch the integration on): %(code)s")
            % {"code": result.fingerprint}
        )
        if csv:
            Path(csv).write_bytes(as_csv(result))
        if xlsx:
            Path(xlsx).write_bytes(as_xlsx(result))
