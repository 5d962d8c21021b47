"""Citizens and staff acting in the debtor system, for the demo and the robustness runs:
some citizens pay their invoice in full, some pay part, and staff write off a few claims as
uncollectable. Everything goes through the same functions a bank file and the staff page use,
so coverage goes back to the library exactly as it would in production."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from bibdebitor.debtor import clock
from bibdebitor.debtor.models import (
    ClaimOrigin,
    DebtorClaim,
    Document,
    DocumentKind,
    Instance,
    PaymentChannel,
)
from bibdebitor.debtor.payments import open_items, record_payment, write_off
from bibdebitor.debtor.selectors import handed_over_claims, open_balances


@dataclass(slots=True)
class Activity:
    paid_in_full: int = 0
    paid_in_part: int = 0
    paid_ore: int = 0
    written_off: int = 0
    written_off_ore: int = 0


def citizens_pay(
    instance: Instance, *, full: float, part: float, rng: random.Random, activity: Activity
) -> None:
    """Each open invoice is paid in full with probability ``full``, half of it with
    probability ``part``, else left for the reminders (bank payments with the FI code line)."""
    day = clock.today()
    invoices = Document.objects.filter(instance=instance, kind=DocumentKind.INVOICE).order_by("id")
    for invoice in invoices.select_related("account"):
        due = sum(amount for _, amount in open_items(invoice.account, invoice))
        draw = rng.random()
        if due <= 0 or draw >= full + part:
            continue
        amount = due if draw < full else max(1, due // 2)
        with transaction.atomic():
            record_payment(
                instance,
                channel=PaymentChannel.BANK,
                reference=f"demo-{invoice.pk}-{day.isoformat()}",
                amount_ore=amount,
                invoice=invoice,
            )
        activity.paid_ore += amount
        if amount == due:
            activity.paid_in_full += 1
        else:
            activity.paid_in_part += 1


def staff_write_off(
    instance: Instance, *, share: float, rng: random.Random, activity: Activity, actor: str
) -> None:
    """Staff write off the open balance of a ``share`` of the library's open claims."""
    claims = DebtorClaim.objects.filter(account__instance=instance, origin=ClaimOrigin.LIBRARY)
    balances = open_balances(claims)
    gone = handed_over_claims(claims)
    for claim in claims.select_related("account").order_by("id"):
        balance = balances.get(claim.pk, 0)
        if balance <= 0 or claim.pk in gone or rng.random() >= share:
            continue
        with transaction.atomic():
            write_off(claim, balance, "Uerholdelig (demo)", actor)
        activity.written_off += 1
        activity.written_off_ore += balance
