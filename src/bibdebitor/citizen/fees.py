"""A citizen's fees as the library sees them: which are payable at the library (created
before the cut-off date, never handed over) and which the municipality collects, for the
citizen page and the FBS-compatible fees API. Paying at the library is a journal event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from bibdebitor.citizen.patrons import Citizen
from bibdebitor.domain.claims import ClaimKind, EventKind
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.domain.vendors import VENDOR_RULES
from bibdebitor.ledger.models import (
    Agency,
    BlockLift,
    Claim,
    ClaimMaterial,
    Guardian,
    GuardianConsent,
    Patron,
)
from bibdebitor.ledger.selectors import (
    JournalSummary,
    active_block_lift,
    blocked_by_balance,
    guardian_on,
    patron_claim_materials,
    patron_claim_summaries,
)
from bibdebitor.ledger.services import NewEvent, append_events
from bibdebitor.transfer.models import InboxMessage

FEE_TYPES = {ClaimKind.LATE_FEE: "fee", ClaimKind.REPLACEMENT: "compensation"}
DEFAULT_REASONS = {
    ClaimKind.LATE_FEE: "Gebyr for overskredet lånetid",
    ClaimKind.REPLACEMENT: "Erstatning for materiale",
}
MATERIAL_GROUP = {"name": "standard", "description": "Standard"}


@dataclass(frozen=True, slots=True)
class Fee:
    claim: Claim
    summary: JournalSummary
    materials: tuple[ClaimMaterial, ...] = ()

    @property
    def payable_at_library(self) -> bool:
        return not self.summary.is_transferred

    @property
    def open_ore(self) -> int:
        return self.summary.open

    @property
    def paid_on(self) -> dt.date | None:
        """The (Danish) date of the final payment, for a fee paid in full."""
        if self.open_ore or not self.summary.covered or self.summary.last_covered_at is None:
            return None
        return timezone.localdate(self.summary.last_covered_at)


def fees_of(patrons: Iterable[Patron]) -> list[Fee]:
    """Every fee of these patrons that has not been cancelled, oldest first."""
    by_id = {p.pk: p for p in patrons}
    fees = fees_of_patron_ids(list(by_id))
    for fee in fees:
        fee.claim.patron = by_id[fee.claim.patron_id]
    return fees


def fees_of_patron_ids(ids: list[int]) -> list[Fee]:
    materials = patron_claim_materials(ids)
    return [
        Fee(claim, summary, tuple(materials.get(claim.pk, ())))
        for claim, summary in patron_claim_summaries(ids)
        if not summary.cancelled
    ]


def fee_v2(fee: Fee) -> dict[str, object]:
    """The FBS adapter's ``FeeV2``."""
    claim = fee.claim
    result: dict[str, object] = {
        "feeId": claim.claim_number,
        "type": FEE_TYPES[ClaimKind(claim.kind)],
        "amount": (fee.open_ore or claim.amount_ore) / 100,
        "creationDate": claim.created_on.isoformat(),
        "dueDate": claim.due_date.isoformat(),
        "reasonMessage": claim.reason or DEFAULT_REASONS[ClaimKind(claim.kind)],
        "materials": [
            {
                "recordId": material.record_id,
                "materialItemNumber": material.item_number,
                "materialGroup": MATERIAL_GROUP,
            }
            for material in fee.materials
        ],
        "payableByClient": fee.payable_at_library,
    }
    if fee.paid_on:
        result["paidDate"] = fee.paid_on.isoformat()
    return result


def api_fees(
    patron_id: int, *, include_paid: bool, include_nonpayable: bool
) -> list[dict[str, object]]:
    return [
        fee_v2(fee)
        for fee in fees_of_patron_ids([patron_id])
        if (include_paid or fee.open_ore > 0) and (include_nonpayable or fee.payable_at_library)
    ]


def children_of(citizen: Citizen) -> list[Patron]:
    """The minors for whom the citizen, as a guardian, has been given financial liability."""
    if not citizen.cpr:
        return []
    guardians = Guardian.objects.filter(agency=citizen.agency, cpr=citizen.cpr)
    ids = GuardianConsent.objects.filter(guardian__in=guardians).values("patron_id")
    children = Patron.objects.filter(pk__in=ids).order_by("name")
    if citizen.patron is not None:
        children = children.exclude(pk=citizen.patron.pk)
    return list(children.select_related("agency"))


@dataclass(slots=True)
class Overview:
    """What the citizen page shows: two groups with their totals."""

    agency: Agency
    on_site: list[Fee] = field(default_factory=list)
    off_site: list[Fee] = field(default_factory=list)
    last_coverage_at: dt.datetime | None = None
    blocked: bool = False  # the balance rule blocks the borrower …
    lift: BlockLift | None = None  # … unless staff lifted it on a receipt

    @property
    def on_site_total(self) -> int:
        return sum(f.open_ore for f in self.on_site)

    @property
    def off_site_total(self) -> int:
        return sum(f.open_ore for f in self.off_site)

    @property
    def portal_url(self) -> str:
        """The debtor system's payment portal, where the vendor has one."""
        rules = VENDOR_RULES.get(self.agency.debtor_vendor)
        return self.agency.debtor_portal_url if rules and rules.has_portal else ""

    @property
    def code_line(self) -> str:
        """FI card 73 (no payment id; the payer writes the patron number as the message)."""
        creditor = self.agency.creditor_number
        return f"+73< +{creditor}<" if creditor else ""


def overview(citizen: Citizen) -> Overview:
    """The citizen's open fees, and those of the children the citizen is liable for."""
    patron = citizen.patron
    result = Overview(
        citizen.agency,
        last_coverage_at=InboxMessage.objects.filter(agency=citizen.agency)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first(),
    )
    if patron is not None and blocked_by_balance(patron):
        result.blocked, result.lift = True, active_block_lift(patron)
    children = children_of(citizen)
    for fee in fees_of([patron, *children] if patron else children):
        if fee.open_ore <= 0 or not _liable(citizen, fee.claim):
            continue
        (result.on_site if fee.payable_at_library else result.off_site).append(fee)
    return result


def _liable(citizen: Citizen, claim: Claim) -> bool:
    if citizen.patron is not None and claim.patron_id == citizen.patron.pk:
        return True
    guardian = guardian_on(claim.patron, claim.created_on)
    return guardian is not None and guardian.cpr == citizen.cpr


class NotPayableHere(DomainError):
    pass


@transaction.atomic
def pay_on_site(citizen: Citizen, claim_ids: Iterable[int], *, reference: str) -> int:
    """Pay the chosen open fees payable at the library in full; returns the amount (øre).
    Checked again under lock, so a fee handed over meanwhile is not taken here."""
    wanted = set(claim_ids)
    list(Claim.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    payable = {fee.claim.pk: fee for fee in overview(citizen).on_site}
    if not wanted or not wanted <= payable.keys():
        raise NotPayableHere(
            "not_payable_here", gettext_noop("One of the fees can no longer be paid here.")
        )
    events = [
        NewEvent(pk, EventKind.COVERED, payable[pk].open_ore, reference=reference)
        for pk in sorted(wanted)
    ]
    append_events(events, actor=citizen.actor)
    return sum(payable[pk].open_ore for pk in wanted)
