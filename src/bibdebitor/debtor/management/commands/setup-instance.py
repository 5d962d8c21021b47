"""``bibdebitor-debtor setup-instance``: a debtor system instance, the library system allowed
to call it (and where coverage goes back), and with ``--map-sortiment`` the subscription to
FBS's sortiment, an omsætningstabel line for every class and the default collection rules.
Idempotent: running it again updates what it set."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from bibdebitor.common.credentials import digest
from bibdebitor.debtor.models import CoverageMode, Instance, SenderSystem
from bibdebitor.debtor.setup import map_sortiment, set_default_rules, subscribe
from bibdebitor.domain.vendors import Vendor


class Command(BaseCommand):
    help = "Set up a debtor system instance, its caller, and its mapping table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--organisation", type=uuid.UUID, required=True)
        parser.add_argument("--instance", type=uuid.UUID, required=True)
        parser.add_argument("--vendor", choices=[v.value for v in Vendor], required=True)
        parser.add_argument("--sender", type=uuid.UUID, required=True, help="caller's instance")
        parser.add_argument("--sender-name", default="FBS")
        parser.add_argument("--token", required=True, help="the caller's bearer token")
        parser.add_argument("--coverage-url", default="", help="the library's coverage service")
        parser.add_argument("--coverage-token", default="", help="our token at that service")
        parser.add_argument("--coverage-mode", choices=CoverageMode.values, default="nightly")
        parser.add_argument("--creditor", default="87654321", help="FI creditor number")
        parser.add_argument("--manual-queue", action="store_true", help="Prisme 2015 only")
        parser.add_argument(
            "--requires-modulus11", action="store_true", help="refuse CPR without modulus 11"
        )
        parser.add_argument("--map-sortiment", action="store_true")
        parser.add_argument(
            "--leave-unmapped", action="append", default=[], help="a class key to leave out"
        )

    @transaction.atomic
    def handle(self, *args: object, **o: Any) -> None:
        instance, _ = Instance.objects.update_or_create(
            instance_uuid=o["instance"],
            defaults={
                "name": o["name"],
                "organisation_uuid": o["organisation"],
                "vendor": o["vendor"],
                "coverage_mode": o["coverage_mode"],
                "creditor_number": o["creditor"],
                "manual_queue": o["manual_queue"],
                "requires_modulus11": o["requires_modulus11"],
            },
        )
        try:
            instance.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        SenderSystem.objects.update_or_create(
            instance=instance,
            it_system_uuid=o["sender"],
            defaults={
                "name": o["sender_name"],
                "token_sha256": digest(str(o["token"])),
                "coverage_url": o["coverage_url"],
                "coverage_token": o["coverage_token"],
            },
        )
        if o["map_sortiment"]:
            subscribe(instance)
            map_sortiment(instance, set(o["leave_unmapped"]))
            set_default_rules(instance)
        self.stdout.write(f"Instance {instance} is set up.")
