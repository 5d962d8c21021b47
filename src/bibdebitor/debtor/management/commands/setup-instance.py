"""``bibdebitor-debtor setup-instance``: a debtor system instance, the library system allowed
to call it, and (with ``--map-sortiment``) an omsætningstabel line for every FBS class.
Idempotent: running it again updates what it set."""

from __future__ import annotations

import hashlib
import uuid

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from bibdebitor.debtor.models import Instance, MappingEntry, SenderSystem, Vendor
from bibdebitor.sortiment.catalogue import ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET, CLASSES


class Command(BaseCommand):
    help = "Set up a debtor system instance, its caller, and its mapping table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--organisation", type=uuid.UUID, required=True)
        parser.add_argument("--instance", type=uuid.UUID, required=True)
        parser.add_argument("--vendor", choices=Vendor.values, required=True)
        parser.add_argument("--sender", type=uuid.UUID, required=True, help="caller's instance")
        parser.add_argument("--sender-name", default="FBS")
        parser.add_argument("--token", required=True, help="the caller's bearer token")
        parser.add_argument("--map-sortiment", action="store_true")
        parser.add_argument(
            "--leave-unmapped", action="append", default=[], help="a class key to leave out"
        )

    @transaction.atomic
    def handle(self, *args: object, **o: object) -> None:
        instance, _ = Instance.objects.update_or_create(
            instance_uuid=o["instance"],
            defaults={
                "name": o["name"],
                "organisation_uuid": o["organisation"],
                "vendor": o["vendor"],
            },
        )
        SenderSystem.objects.update_or_create(
            instance=instance,
            it_system_uuid=o["sender"],
            defaults={
                "name": o["sender_name"],
                "token_sha256": hashlib.sha256(str(o["token"]).encode()).hexdigest(),
            },
        )
        if o["map_sortiment"]:
            mapped = [c for c in CLASSES if c.facet in (ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET)]
            for number, catalogue_class in enumerate(mapped, start=1):
                if catalogue_class.user_key in o["leave_unmapped"]:
                    MappingEntry.objects.filter(
                        instance=instance, class_uuid=catalogue_class.uuid
                    ).delete()
                    continue
                MappingEntry.objects.update_or_create(
                    instance=instance,
                    class_uuid=catalogue_class.uuid,
                    defaults={
                        "user_key": catalogue_class.user_key,
                        "payment_type": f"BIB{number:02d}",
                    },
                )
        self.stdout.write(f"Instance {instance} is set up.")
