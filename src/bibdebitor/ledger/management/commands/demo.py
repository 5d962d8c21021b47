"""``bibdebitor demo``: a small demo municipality, a staff login, and the web server."""

from __future__ import annotations

import secrets
import uuid

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from bibdebitor.ledger.generator import MunicipalitySize, generate_municipality
from bibdebitor.ledger.models import Agency, DebtorVendor

DEMO_AGENCY = {
    "agency_id": "799900",
    "name": "Demo Kommunes Biblioteker",
    "cvr": "29189129",
    "municipality_code": "999",
    "debtor_vendor": DebtorVendor.KMD_OPUS,
    "organisation_uuid": uuid.UUID("0a3f5e2c-7b1d-4c8e-9f60-2d4b8a1c9e01"),
    "debtor_instance_uuid": uuid.UUID("7c2e9d41-3a5b-4f6c-8d1e-0b9a8c7d6e02"),
    "org_unit_uuid": uuid.UUID("5d7b6f3c-1d1c-4d1e-9a55-3b3f0c7c1a01"),
    "sender_instance_uuid": uuid.UUID("91aa26ad-cab7-4e83-8230-9bf35a076a55"),
    "substitute_cpr_enabled": True,
    "creditor_number": "86836084",
}


class Command(BaseCommand):
    help = "Load a demo municipality (once), make a staff login, and serve the app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--patrons", type=int, default=500)
        parser.add_argument("--claims", type=int, default=1500)
        parser.add_argument("--no-serve", action="store_true", help="load data and stop")

    def handle(
        self, *args: object, addr: str, patrons: int, claims: int, no_serve: bool, **options: object
    ) -> None:
        agency, created = Agency.objects.get_or_create(
            agency_id=DEMO_AGENCY["agency_id"], defaults=DEMO_AGENCY
        )
        if created:
            made = generate_municipality(agency, MunicipalitySize(patrons=patrons, claims=claims))
            self.stdout.write(
                f"Demo municipality: {made.patrons} patrons, {made.guardians} guardians, "
                f"{made.claims} claims."
            )
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username="demo", defaults={"is_staff": True, "is_superuser": True}
        )
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"\nbibdebitor is running at http://{addr}/\nStaff login: demo / {password}\n"
            )
        )
        if not no_serve:
            call_command("runserver", addr, use_reloader=False, insecure_serving=True)
