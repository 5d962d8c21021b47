"""``bibdebitor patron-pin --agency ID --patron NUMBER --pin 1234``: set a patron's PIN for
the citizen page and the fees API (stored hashed). ``--guardian ID`` (the guardian's number in
the administration) sets the PIN of a guardian who is no borrower, for the citizen page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from bibdebitor.domain.errors import DomainError
from bibdebitor.ledger.models import Guardian, Patron
from bibdebitor.ledger.services import set_pin


class Command(BaseCommand):
    help = "Set a patron's or a guardian's PIN."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--patron", help="library card (patron) number")
        who.add_argument("--guardian", type=int, help="the guardian's id (never a CPR number)")
        parser.add_argument("--pin", required=True)

    def handle(self, *args: object, agency: str, pin: str, **options: Any) -> None:
        holder: Patron | Guardian | None
        if options["patron"]:
            holder = Patron.objects.filter(
                agency__agency_id=agency, patron_number=options["patron"]
            ).first()
        else:
            holder = Guardian.objects.filter(
                agency__agency_id=agency, pk=options["guardian"]
            ).first()
        if holder is None:
            raise CommandError(gettext("No patron or guardian with that number in that agency."))
        try:
            set_pin(holder, pin)
        except DomainError as error:
            raise CommandError(gettext(error.message)) from None
        self.stdout.write(gettext("PIN set."))
