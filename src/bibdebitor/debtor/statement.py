"""The debtor system's claim statement for reconciliation (in the spirit of SF1590_B_02): per
library claim, what the debtor system holds — original amount, open amount, paid, written
off, and its state — in pages by a keyset cursor, for one library system's claims only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from bibdebitor.debtor.models import ClaimOrigin, DebtorClaim, EntryKind, SenderSystem

MAX_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class StatementLine:
    claim_id: str
    account_reference: str
    amount_ore: int
    open_ore: int
    paid_ore: int
    written_off_ore: int
    state: str  # open | settled | cancelled | handed_over

    def as_dict(self) -> dict[str, object]:
        # By hand: dataclasses.asdict deep-copies and costs more than the query per page.
        return {name: getattr(self, name) for name in self.__slots__}


def statement(
    sender: SenderSystem, after: int = 0, limit: int = MAX_PAGE
) -> tuple[list[StatementLine], int]:
    """One page of lines (ordered by the debtor's internal id) and the cursor for the next.

    The page's id range is found first, so the sums cover only its claims (summing
    everything after the cursor and cutting afterwards makes each page cost the rest)."""
    claims = DebtorClaim.objects.filter(
        account__sender=sender, origin=ClaimOrigin.LIBRARY, pk__gt=after
    )
    ids = list(claims.order_by("pk").values_list("pk", flat=True)[: min(limit, MAX_PAGE)])
    if not ids:
        return [], after
    rows = (
        claims.filter(pk__lte=ids[-1])
        .order_by("pk")
        .annotate(
            open_ore=Sum("entries__delta_ore"),
            paid_ore=Sum("entries__amount_ore", filter=Q(entries__kind=EntryKind.PAID)),
            to_credit_ore=Sum(
                "entries__amount_ore", filter=Q(entries__kind=EntryKind.PAYMENT_TO_CREDIT)
            ),
            written_off_ore=Sum(
                "entries__amount_ore", filter=Q(entries__kind=EntryKind.WRITTEN_OFF)
            ),
            cancels=Count("entries", filter=Q(entries__kind=EntryKind.CANCELLED)),
            reopens=Count("entries", filter=Q(entries__kind=EntryKind.REOPENED)),
            handed_over=Count("entries", filter=Q(entries__kind=EntryKind.HANDED_OVER)),
        )
        .values_list(
            "pk",
            "claim_id",
            "account__reference",
            "amount_ore",
            "open_ore",
            "paid_ore",
            "to_credit_ore",
            "written_off_ore",
            "cancels",
            "reopens",
            "handed_over",
        )
    )
    lines: list[StatementLine] = []
    cursor = after
    for (
        pk,
        claim_id,
        reference,
        amount,
        open_ore,
        paid,
        to_credit,
        written_off,
        cancels,
        reopens,
        handed,
    ) in rows:
        cursor = pk
        lines.append(
            StatementLine(
                claim_id,
                reference,
                amount,
                open_ore or 0,
                (paid or 0) - (to_credit or 0),
                written_off or 0,
                _state(open_ore or 0, cancels > reopens, handed > 0),
            )
        )
    return lines, cursor


def _state(open_ore: int, cancelled: bool, handed_over: bool) -> str:
    if cancelled:
        return "cancelled"
    if handed_over and open_ore > 0:
        return "handed_over"
    return "open" if open_ore > 0 else "settled"
