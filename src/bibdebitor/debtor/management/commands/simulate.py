"""``bibdebitor-debtor simulate --instance UUID [--pay-full S] [--pay-part S] [--write-off S]``:
citizens pay a share of the open invoices by bank and staff write off a share of the open
claims — the outside world the demo and the robustness runs need, through the real booking
functions."""

from __future__ import annotations

import random
import uuid

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bibdebitor.debtor.models import Instance
from bibdebitor.debtor.simulation import Activity, citizens_pay, staff_write_off
from bibdebitor.domain import actors


def share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Let citizens pay and staff write off a share of what is open."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instance", type=uuid.UUID, required=True)
        parser.add_argument("--pay-full", type=share, default=0.0, help="share of invoices")
        parser.add_argument("--pay-part", type=share, default=0.0, help="share of invoices")
        parser.add_argument("--write-off", type=share, default=0.0, help="share of claims")
        parser.add_argument("--seed", type=int, default=1)

    def handle(
        self,
        *args: object,
        instance: uuid.UUID,
        seed: int,
        pay_full: float,
        pay_part: float,
        write_off: float,
        **options: object,
    ) -> None:
        target = Instance.objects.filter(instance_uuid=instance).first()
        if target is None:
            raise CommandError("Ukendt debitorsysteminstans.")
        if pay_full + pay_part > 1:
            raise CommandError("--pay-full and --pay-part together must be at most 1.")
        rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not a secret
        activity = Activity()
        citizens_pay(
            target,
            full=pay_full,
            part=pay_part,
            rng=rng,
            activity=activity,
        )
        staff_write_off(
            target,
            share=write_off,
            rng=rng,
            activity=activity,
            actor=actors.system("demo"),
        )
        self.stdout.write(
            f"paid_in_full={activity.paid_in_full} paid_in_part={activity.paid_in_part} "
            f"paid_ore={activity.paid_ore} written_off={activity.written_off} "
            f"written_off_ore={activity.written_off_ore}"
        )
