"""The dry run as rows, and as CSV or XLSX for the project group."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bibdebitor.common import exports
from bibdebitor.common.exports import Ore
from bibdebitor.sortiment.cutover import Preview
from bibdebitor.sortiment.labels import BLOCKERS, CLASS_TITLES, CLEANSING


def moving_rows(preview: Preview) -> list[list[exports.Cell | Ore]]:
    return [
        [CLASS_TITLES[account], CLASS_TITLES[claim_type], tally.count, Ore(tally.amount_ore)]
        for (account, claim_type), tally in preview.moving.items()
    ]


def blocked_rows(preview: Preview) -> list[list[exports.Cell | Ore]]:
    return [
        [str(BLOCKERS[blocker]), tally.count, Ore(tally.amount_ore)]
        for blocker, tally in preview.blocked.items()
        if tally.count
    ]


def finding_rows(preview: Preview) -> list[list[exports.Cell | Ore]]:
    return [
        [
            f.patron_number,
            f.name,
            f.masked_id,
            "; ".join(sorted(str(CLEANSING[n]) for n in f.needs)),
            "; ".join(sorted(str(BLOCKERS[b]) for b in f.blockers)),
            f.claims.count,
            Ore(f.claims.amount_ore),
        ]
        for f in preview.findings
    ]


def sections(preview: Preview) -> list[exports.Section]:
    return [
        (
            _("Handed over"),
            [_("Debtor account type"), _("Claim type"), _("Claims"), _("Amount (kr.)")],
            moving_rows(preview),
        ),
        (
            _("Not handed over"),
            [_("Reason"), _("Claims"), _("Amount (kr.)")],
            blocked_rows(preview),
        ),
        (
            _("Data cleansing"),
            [
                _("Patron number"),
                _("Name"),
                _("CPR/CVR"),
                _("To do"),
                _("Reasons"),
                _("Claims"),
                _("Amount (kr.)"),
            ],
            finding_rows(preview),
        ),
    ]


def as_csv(preview: Preview) -> bytes:
    title = [_("Cut-over dry run"), preview.agency_id, preview.cutoff.isoformat()]
    return exports.as_csv(title, sections(preview))


def as_xlsx(preview: Preview) -> bytes:
    return exports.as_xlsx(sections(preview))
