"""``bibdebitor fees-client --agency ID --client-id X --secret S``: let a client system (the
library's website, a self-service machine) read fees through the FBS-compatible fees API.
The secret is stored hashed; running it again replaces the secret."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from bibdebitor.citizen.models import ClientSystem
from bibdebitor.common.credentials import digest
from bibdebitor.ledger.models import Agency


class Command(BaseCommand):
    help = "Register a client system of the fees API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--secret", required=True)
        parser.add_argument("--name", default="Bibliotekets hjemmeside")

    def handle(
        self, *args: object, agency: str, client_id: str, secret: str, name: str, **o: object
    ) -> None:
        try:
            target = Agency.objects.get(agency_id=agency)
        except Agency.DoesNotExist:
            raise CommandError(gettext("No agency with that id.")) from None
        if len(secret) < 16:
            raise CommandError(gettext("The secret must be at least 16 characters."))
        ClientSystem.objects.update_or_create(
            client_id=client_id,
            defaults={
                "agency": target,
                "name": name,
                "secret_sha256": digest(secret),
                "active": True,
            },
        )
        self.stdout.write(gettext("Client system %(id)s registered.") % {"id": client_id})
