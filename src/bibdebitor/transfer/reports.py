"""A reconciliation run as report sections, for the staff page and CSV/XLSX."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bibdebitor.common import exports
from bibdebitor.common.exports import Ore
from bibdebitor.domain.reconciliation import CAUSE_TEXTS, Cause
from bibdebitor.ledger.models import CLAIM_KIND_TITLES
from bibdebitor.sortiment.labels import CLASS_TITLES
from bibdebitor.transfer.models import ReconciliationRun

KIND_TITLES = {kind.value: title for kind, title in CLAIM_KIND_TITLES.items()}  # by the column
STATE_TITLES = {
    "open": gettext_lazy("open"),
    "settled": gettext_lazy("settled"),
    "cancelled": gettext_lazy("cancelled"),
    "rejected": gettext_lazy("rejected"),
    "handed_over": gettext_lazy("handed over to collection"),
}


def cause_text(cause: str) -> str:
    return _(CAUSE_TEXTS[Cause(cause)])


def _amount(value: int | None) -> Ore | None:
    return None if value is None else Ore(value)


def total_rows(run: ReconciliationRun) -> list[list[exports.Cell | Ore]]:
    return [
        [
            CLASS_TITLES.get(row["account_type"], row["account_type"]),
            str(KIND_TITLES.get(row["claim_kind"], row["claim_kind"])),
            row["library_claims"],
            Ore(row["library_open_ore"]),
            row["debtor_claims"],
            Ore(row["debtor_open_ore"]),
            Ore(row["difference_ore"]),
        ]
        for row in run.totals
    ]


def discrepancy_rows(run: ReconciliationRun, cause: str = "") -> list[list[exports.Cell | Ore]]:
    found = run.discrepancies.order_by("cause", "claim_ref")
    if cause:
        found = found.filter(cause=cause)
    return [
        [
            d.claim_ref,
            cause_text(d.cause),
            CLASS_TITLES.get(d.account_type, d.account_type),
            str(KIND_TITLES.get(d.claim_kind, d.claim_kind)),
            _amount(d.library_open_ore),
            _amount(d.debtor_open_ore),
            str(STATE_TITLES.get(d.library_state, d.library_state)),
            str(STATE_TITLES.get(d.debtor_state, d.debtor_state)),
        ]
        for d in found
    ]


def sections(run: ReconciliationRun, cause: str = "") -> list[exports.Section]:
    return [
        (
            _("Totals"),
            [
                _("Debtor account type"),
                _("Claim type"),
                _("Claims in the ledger"),
                _("Open in the ledger (kr.)"),
                _("Claims in the debtor system"),
                _("Open in the debtor system (kr.)"),
                _("Difference (kr.)"),
            ],
            total_rows(run),
        ),
        (
            _("Discrepancies"),
            [
                _("Claim"),
                _("Likely cause"),
                _("Debtor account type"),
                _("Claim type"),
                _("Open in the ledger (kr.)"),
                _("Open in the debtor system (kr.)"),
                _("State in the ledger"),
                _("State in the debtor system"),
            ],
            discrepancy_rows(run, cause),
        ),
    ]


def title_row(run: ReconciliationRun) -> list[str]:
    return [
        _("Reconciliation"),
        run.agency.agency_id,
        run.finished_at.isoformat(timespec="seconds"),
    ]


def as_csv(run: ReconciliationRun) -> bytes:
    return exports.as_csv(title_row(run), sections(run))


def as_xlsx(run: ReconciliationRun) -> bytes:
    return exports.as_xlsx(sections(run))
