"""The debtor system's daily run: invoices, reminders with fees, and hand-over for
collection (PSRM), by the rules of each claim type (``domain.collection``).

The run for a day is idempotent: what it decides depends on the documents already sent, so
running a day twice sends nothing twice. ``advance`` moves the clock day by day and runs each
day, which is how a demo runs a year in seconds.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from bibdebitor.debtor import clock
from bibdebitor.debtor.models import (
    Account,
    ClaimEntry,
    ClaimOrigin,
    ClaimRule,
    DebtorClaim,
    Document,
    DocumentKind,
    EntryKind,
    Instance,
    InvoiceLine,
)
from bibdebitor.debtor.payments import set_off_credit
from bibdebitor.debtor.selectors import Debtor, debtor_on, liable_party, open_balances
from bibdebitor.domain.catalogue import ACCOUNT_TYPE_FACET, CatalogueClass
from bibdebitor.domain.classification import AccountType
from bibdebitor.domain.collection import (
    CollectionRule,
    InvoiceFacts,
    Step,
    invoice_due,
    last_reminder_gives_notice,
    next_step,
)

MINOR_WITHOUT_GUARDIAN = CatalogueClass(
    ACCOUNT_TYPE_FACET, AccountType.MINOR_WITHOUT_GUARDIAN, ""
).uuid


@dataclass(slots=True)
class DayReport:
    day: dt.date
    invoices: int = 0
    reminders: int = 0
    handed_over: int = 0

    def __add__(self, other: DayReport) -> DayReport:
        return DayReport(
            other.day,
            self.invoices + other.invoices,
            self.reminders + other.reminders,
            self.handed_over + other.handed_over,
        )


def rules_for(instance: Instance) -> dict[tuple[uuid.UUID, uuid.UUID], CollectionRule]:
    """The instance's rules by (account type, claim type)."""
    rows = ClaimRule.objects.filter(instance=instance)
    return {(row.account_type_uuid, row.claim_type_uuid): row.as_rule() for row in rows}


def run_day(instance: Instance, day: dt.date) -> DayReport:
    return _DayRun(instance, day).run()


def advance(days: int) -> dict[Instance, DayReport]:
    """Run today, then move the clock ``days`` forward one day at a time, running every
    instance's day as it passes."""
    instances = list(Instance.objects.all())
    totals = {instance: DayReport(clock.today()) for instance in instances}
    for day_number in range(days + 1):
        if day_number:
            clock.advance(days=1, note="dagskørsel")
        for instance in instances:
            totals[instance] = totals[instance] + run_day(instance, clock.today())
    return totals


class _DayRun:
    def __init__(self, instance: Instance, day: dt.date) -> None:
        self.instance = instance
        self.day = day
        self.rules = rules_for(instance)
        self.debtors: dict[int, Debtor] = {}

    def rule(self, account: Account, claim_type: uuid.UUID) -> CollectionRule:
        """The rule for the account type the claims arrived on and their claim type; until
        staff set one, the defaults."""
        return self.rules.get((account.account_type_uuid, claim_type)) or CollectionRule()

    def debtor(self, account: Account) -> Debtor:
        if account.pk not in self.debtors:
            self.debtors[account.pk] = debtor_on(liable_party(account), self.day)
        return self.debtors[account.pk]

    @transaction.atomic
    def run(self) -> DayReport:
        report = DayReport(self.day, invoices=self.invoice())
        report.reminders, report.handed_over = self.follow_up()
        return report

    # --- invoices ----------------------------------------------------------------------------

    def invoice(self) -> int:
        instance, day = self.instance, self.day
        waiting = DebtorClaim.objects.filter(
            account__instance=instance,
            account__manual=False,
            origin=ClaimOrigin.LIBRARY,
            invoice_line__isnull=True,
        )
        balances = open_balances(waiting)
        groups: dict[tuple[int, uuid.UUID], list[DebtorClaim]] = defaultdict(list)
        for claim in waiting.select_related("account__instance").order_by("id"):
            if balances.get(claim.pk, 0) > 0:
                groups[(claim.account_id, claim.claim_type_uuid)].append(claim)
        made = 0
        for (_, claim_type), claims in groups.items():
            rule = self.rule(claims[0].account, claim_type)
            total = sum(balances[c.pk] for c in claims)
            oldest = min(c.received_on for c in claims)
            if not invoice_due(rule, total, oldest, day):
                continue
            account = claims[0].account
            invoice = Document.objects.create(
                instance=instance,
                account=account,
                kind=DocumentKind.INVOICE,
                claim_type_uuid=claim_type,
                channel=self.debtor(account).channel,
                issued_on=day,
                deadline=day + dt.timedelta(days=rule.payment_deadline_days),
                amount_ore=total,
                gives_notice=last_reminder_gives_notice(rule, 0),
            )
            InvoiceLine.objects.bulk_create(InvoiceLine(invoice=invoice, claim=c) for c in claims)
            set_off_credit(invoice)
            made += 1
        return made

    # --- reminders and hand-over ---------------------------------------------------------------

    def follow_up(self) -> tuple[int, int]:
        instance, day = self.instance, self.day
        invoices = list(
            Document.objects.filter(instance=instance, kind=DocumentKind.INVOICE)
            .exclude(follow_ups__kind=DocumentKind.HAND_OVER)
            .select_related("account__instance")
            .order_by("id")
        )
        if not invoices:
            return 0, 0
        invoice_ids = [i.pk for i in invoices]
        follow_ups: dict[int, list[Document]] = defaultdict(list)
        sent = Document.objects.filter(invoice__in=invoice_ids, kind=DocumentKind.REMINDER)
        for document in sent.order_by("id"):
            if document.invoice_id is not None:  # always: they were found by their invoice
                follow_ups[document.invoice_id].append(document)
        lines = InvoiceLine.objects.filter(invoice__in=invoice_ids).select_related("claim")
        claims: dict[int, list[DebtorClaim]] = defaultdict(list)
        for line in lines:
            claims[line.invoice_id].append(line.claim)
        balances = open_balances(DebtorClaim.objects.filter(invoice_line__invoice__in=invoices))
        reminders = handed_over = 0
        for invoice in invoices:
            rule = self.rule(invoice.account, invoice.claim_type_uuid)
            open_ore = sum(balances.get(c.pk, 0) for c in claims[invoice.pk])
            if open_ore <= 0:
                continue
            facts = self.facts(invoice, follow_ups[invoice.pk], claims[invoice.pk], open_ore)
            step = next_step(rule, facts, day)
            if step is Step.REMIND:
                self.remind(invoice, rule, len(facts.reminders) + 1, open_ore)
                reminders += 1
            elif step is Step.HAND_OVER:
                self.hand_over(invoice, claims[invoice.pk], balances, open_ore)
                handed_over += 1
        return reminders, handed_over

    def facts(
        self,
        invoice: Document,
        reminders: list[Document],
        claims: list[DebtorClaim],
        open_ore: int,
    ) -> InvoiceFacts:
        notices = [d.issued_on for d in [invoice, *reminders] if d.gives_notice]
        party = self.debtor(invoice.account)
        latest_srb = max(c.last_timely_payment_date for c in claims)
        return InvoiceFacts(
            deadline=invoice.due_by,
            reminders=tuple(r.issued_on for r in reminders),
            notice_on=notices[0] if notices else None,
            open_ore=open_ore,
            last_timely_payment_date=max(latest_srb, invoice.due_by),
            # The account type the claim arrived on as well as the age today: a claim made at
            # 17 without a guardian is never collected from the adult, and a child the library
            # sent as an adult (birth date unknown there) is not collected either.
            liable_is_minor=invoice.account.account_type_uuid == MINOR_WITHOUT_GUARDIAN
            or party.is_minor,
            liable_has_substitute_cpr=party.has_substitute_cpr,
            handed_over=False,
        )

    def remind(self, invoice: Document, rule: CollectionRule, number: int, open_ore: int) -> None:
        day = self.day
        deadline = day + dt.timedelta(days=rule.reminder_interval_days)
        fee = rule.reminder_fee_ore
        if fee:
            claim = DebtorClaim.objects.create(
                account=invoice.account,
                origin=ClaimOrigin.REMINDER_FEE,
                claim_id=f"RYK-{invoice.pk}-{number}",
                claim_type_uuid=invoice.claim_type_uuid,
                payment_type="RYKKERGEBYR",
                amount_ore=fee,
                founded_on=day,
                due_date=deadline,
                last_timely_payment_date=deadline,
                description=f"Rykkergebyr, rykker {number}",
                received_on=day,
            )
            ClaimEntry.objects.create(
                claim=claim,
                kind=EntryKind.REGISTERED,
                amount_ore=fee,
                delta_ore=fee,
                effective_on=day,
            )
            InvoiceLine.objects.create(invoice=invoice, claim=claim)
        Document.objects.create(
            instance=invoice.instance,
            account=invoice.account,
            kind=DocumentKind.REMINDER,
            invoice=invoice,
            claim_type_uuid=invoice.claim_type_uuid,
            number=number,
            channel=self.debtor(invoice.account).channel,
            issued_on=day,
            deadline=deadline,
            amount_ore=open_ore + fee,
            fee_ore=fee,
            gives_notice=last_reminder_gives_notice(rule, number),
        )

    def hand_over(
        self, invoice: Document, claims: list[DebtorClaim], balances: dict[int, int], open_ore: int
    ) -> None:
        day = self.day
        ClaimEntry.objects.bulk_create(
            ClaimEntry(claim=c, kind=EntryKind.HANDED_OVER, effective_on=day, note="Gældsstyrelsen")
            for c in claims
            if balances.get(c.pk, 0) > 0
        )
        Document.objects.create(
            instance=invoice.instance,
            account=invoice.account,
            kind=DocumentKind.HAND_OVER,
            invoice=invoice,
            claim_type_uuid=invoice.claim_type_uuid,
            channel=invoice.channel,
            issued_on=day,
            amount_ore=open_ore,
        )
