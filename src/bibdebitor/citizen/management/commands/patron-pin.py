"""``bibdebitor patron-pin --agency ID --patron NUMBER --pin 1234``: set a patron's PIN for
the citizen page and the fees API (stored hashed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from bibdebitor.domain.errors import DomainError
from bibdebitor.ledger.models import Patron
from bibdebitor.ledger.services import set_pin


class Command(BaseCommand):
    help = "Set a patron's PIN."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--patron", required=True, help="library card (patron) number")
        parser.add_argument("--pin", required=True)

    def handle(self, *args: object, agency: str, patron: str, pin: str, **options: object):
        found = Patron.objects.filter(agency__agency_id=agency, patron_number=patron).first()
        if found is None:
            raise CommandError(gettext("No patron with that number in that agency."))
        try:
            set_pin(found, pin)
        except DomainError as error:
            raise CommandError(gettext(error.message)) from None
        self.stdout.write(gettext("PIN set."))
