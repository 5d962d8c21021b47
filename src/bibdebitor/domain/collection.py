"""The debtor side's collection rules per claim type: invoice, reminders, hand-over to
inddrivelse (Gældsstyrelsen's PSRM), and how a payment is allocated. Pure Python, no Django.

Sources (../shared/reference/prisme-and-standards.md B.4, oir-sf1590.md §6.3): private-law
reminder fees at most 100 kr, at most 3, at least 10 days apart (renteloven § 9 b); public-law
fees at most 250 kr (gebyrloven § 2); hand-over only after the last timely payment date, a
fruitless reminder round and written notice, never under 100 kr; a substitute CPR cannot be
handed over as a real one; a minor is not liable without a guardian.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import TypeVar

from bibdebitor.domain.errors import DomainError, gettext_noop

PRIVATE_LAW_FEE_CAP_ORE = 10_000
PUBLIC_LAW_FEE_CAP_ORE = 25_000
PRIVATE_LAW_MAX_REMINDERS = 3
PRIVATE_LAW_MIN_INTERVAL_DAYS = 10
HAND_OVER_MINIMUM_ORE = 10_000


K = TypeVar("K", bound=Hashable)


class RuleError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class CollectionRule:
    """What the debtor system does with claims of one claim type. The defaults are the
    conservative, sourced regime for every claim type: private-law, reminder fees at most
    100 kr, at most 3, at least 10 days apart (renteloven § 9 b; reference B.4). A public-law
    regime (gebyrloven: up to 250 kr) is a municipality's own choice per claim type, as its
    classification varies (B.4: "make it configurable"). The 30-day payment deadline and the
    other amounts are assumptions (docs/assumptions.md), each changeable per claim type."""

    # False: the claims are received and lie without invoice, reminder or hand-over (seed
    # 003: "kravene skal indlæses i debitorsystemet, og så her blot ligge uden opkrævning").
    collect: bool = True
    invoice_threshold_ore: int = 5_000  # claims wait until the account owes at least this
    invoice_delay_days: int = 0  # days after a claim arrives before it is invoiced
    payment_deadline_days: int = 30
    private_law: bool = True
    reminder_fee_ore: int = 10_000
    max_reminders: int = 3
    reminder_interval_days: int = 10
    hand_over: bool = True
    hand_over_minimum_ore: int = HAND_OVER_MINIMUM_ORE
    notice_days: int = 14  # from the written notice to the hand-over

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def rule_errors(rule: CollectionRule) -> list[RuleError]:
    """Everything that makes ``rule`` unlawful or unworkable (empty: it may be used)."""
    errors: list[RuleError] = []

    def check(ok: bool, code: str, message: str) -> None:
        if not ok:
            errors.append(RuleError(code, message))

    check(
        rule.payment_deadline_days >= 1,
        "deadline",
        gettext_noop("The payment deadline must be at least one day."),
    )
    check(
        rule.invoice_threshold_ore >= 0 and rule.invoice_delay_days >= 0,
        "invoice",
        gettext_noop("The invoice threshold and delay cannot be negative."),
    )
    check(
        0 <= rule.reminder_fee_ore <= fee_cap(rule.private_law),
        "reminder_fee",
        gettext_noop(
            "A reminder fee is at most 100 kr for private-law claims and 250 kr for public-law."
        ),
    )
    check(
        rule.max_reminders >= 0
        and (not rule.private_law or rule.max_reminders <= PRIVATE_LAW_MAX_REMINDERS),
        "max_reminders",
        gettext_noop("Private-law claims may have at most 3 reminders with a fee."),
    )
    check(
        rule.reminder_interval_days >= (PRIVATE_LAW_MIN_INTERVAL_DAYS if rule.private_law else 1),
        "reminder_interval",
        gettext_noop("Reminders on private-law claims must be at least 10 days apart."),
    )
    check(
        rule.hand_over_minimum_ore >= HAND_OVER_MINIMUM_ORE,
        "hand_over_minimum",
        gettext_noop("Claims under 100 kr cannot be handed over for collection."),
    )
    check(
        rule.notice_days >= 0, "notice_days", gettext_noop("The notice period cannot be negative.")
    )
    return errors


def fee_cap(private_law: bool) -> int:
    return PRIVATE_LAW_FEE_CAP_ORE if private_law else PUBLIC_LAW_FEE_CAP_ORE


def invoice_due(
    rule: CollectionRule, waiting_ore: int, oldest_arrival: dt.date, today: dt.date
) -> bool:
    """Whether the claims waiting on an account are to be invoiced today."""
    return (
        rule.collect
        and waiting_ore > 0
        and waiting_ore >= rule.invoice_threshold_ore
        and today >= oldest_arrival + dt.timedelta(days=rule.invoice_delay_days)
    )


class Channel(StrEnum):
    DIGITAL_POST = "digital_post"
    PAPER = "paper"
    E_INVOICE = "e_invoice"


def channel_for(*, is_company: bool, has_gln: bool, is_minor: bool, exempt: bool) -> Channel:
    """Companies with an EAN get an e-invoice; children and citizens exempt from Digital Post
    get paper; everyone else Digital Post."""
    if is_company:
        return Channel.E_INVOICE if has_gln else Channel.DIGITAL_POST
    return Channel.PAPER if is_minor or exempt else Channel.DIGITAL_POST


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    """What the debtor system knows about one invoice on the day it looks at it."""

    deadline: dt.date
    reminders: tuple[dt.date, ...]  # dates of the reminders sent, oldest first
    notice_on: dt.date | None  # when written notice of the hand-over was given
    open_ore: int  # still owed on the invoice, fees included
    last_timely_payment_date: dt.date  # the latest SRB among its claims
    liable_is_minor: bool
    liable_has_substitute_cpr: bool
    handed_over: bool


class Step(StrEnum):
    NOTHING = "nothing"
    REMIND = "remind"
    HAND_OVER = "hand_over"


class HandOverBlocker(StrEnum):
    OFF = "off"
    NOTHING_OWED = "nothing_owed"
    SRB_NOT_PASSED = "srb_not_passed"
    REMINDERS_NOT_DONE = "reminders_not_done"
    NO_NOTICE = "no_notice"
    NOTICE_PERIOD = "notice_period"
    BELOW_MINIMUM = "below_minimum"
    MINOR = "minor"
    SUBSTITUTE_CPR = "substitute_cpr"


HAND_OVER_BLOCKER_TEXT = {
    HandOverBlocker.OFF: "Kravtypen overdrages ikke til inddrivelse.",
    HandOverBlocker.NOTHING_OWED: "Der er intet udestående.",
    HandOverBlocker.SRB_NOT_PASSED: "Sidste rettidige betalingsdato er ikke overskredet.",
    HandOverBlocker.REMINDERS_NOT_DONE: "Rykkerproceduren er ikke gennemført.",
    HandOverBlocker.NO_NOTICE: "Skyldner er ikke skriftligt varslet om overdragelsen.",
    HandOverBlocker.NOTICE_PERIOD: "Varslingsfristen er ikke udløbet.",
    HandOverBlocker.BELOW_MINIMUM: "Kravet er under 100 kr. inkl. gebyrer.",
    HandOverBlocker.MINOR: "Skyldner er under 18 år og har ingen økonomisk ansvarlig.",
    HandOverBlocker.SUBSTITUTE_CPR: "Gældsstyrelsen kan ikke modtage et erstatnings-CPR-nummer.",
}


def next_reminder_on(rule: CollectionRule, facts: InvoiceFacts) -> dt.date | None:
    """When the next reminder is due, or None when the round is over."""
    if len(facts.reminders) >= rule.max_reminders:
        return None
    previous = facts.reminders[-1] if facts.reminders else facts.deadline
    return previous + dt.timedelta(days=rule.reminder_interval_days)


def last_reminder_gives_notice(rule: CollectionRule, number: int) -> bool:
    """The written notice of hand-over goes on the last reminder (or the invoice, if none)."""
    return rule.hand_over and number == rule.max_reminders


def hand_over_blockers(
    rule: CollectionRule, facts: InvoiceFacts, today: dt.date
) -> list[HandOverBlocker]:
    """Every precondition for handing the invoice over to PSRM that does not hold today."""
    checks = {
        HandOverBlocker.OFF: rule.hand_over,
        HandOverBlocker.NOTHING_OWED: facts.open_ore > 0 and not facts.handed_over,
        HandOverBlocker.SRB_NOT_PASSED: today > facts.last_timely_payment_date,
        HandOverBlocker.REMINDERS_NOT_DONE: len(facts.reminders) >= rule.max_reminders,
        HandOverBlocker.NO_NOTICE: facts.notice_on is not None,
        HandOverBlocker.NOTICE_PERIOD: facts.notice_on is None  # (then NO_NOTICE says it)
        or today >= facts.notice_on + dt.timedelta(days=rule.notice_days),
        HandOverBlocker.BELOW_MINIMUM: facts.open_ore >= rule.hand_over_minimum_ore,
        HandOverBlocker.MINOR: not facts.liable_is_minor,
        HandOverBlocker.SUBSTITUTE_CPR: not facts.liable_has_substitute_cpr,
    }
    return [blocker for blocker, holds in checks.items() if not holds]


def next_step(rule: CollectionRule, facts: InvoiceFacts, today: dt.date) -> Step:
    if facts.handed_over or facts.open_ore <= 0 or not rule.collect:
        return Step.NOTHING  # collection switched off: no reminder, no hand-over either
    reminder_on = next_reminder_on(rule, facts)
    if reminder_on is not None:
        return Step.REMIND if today >= reminder_on else Step.NOTHING
    return Step.NOTHING if hand_over_blockers(rule, facts, today) else Step.HAND_OVER


def allocate(
    amount_ore: int, open_items: Iterable[tuple[K, int]]
) -> tuple[list[tuple[K, int]], int]:
    """Spread a payment over open items in the order given (oldest first): each is paid in
    full before the next gets anything. Returns (item, amount) pairs and what is left over
    (an overpayment, which becomes a credit)."""
    if amount_ore <= 0:
        raise RuleError("payment_amount", gettext_noop("A payment must be a positive amount."))
    left = amount_ore
    shares: list[tuple[K, int]] = []
    for key, open_ore in open_items:
        if left == 0:
            break
        share = min(left, open_ore)
        if share > 0:
            shares.append((key, share))
            left -= share
    return shares, left
