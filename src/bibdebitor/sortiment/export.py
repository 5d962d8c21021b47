"""The dry run as rows, and as CSV or XLSX for the project group."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from bibdebitor.domain.money import format_kroner
from bibdebitor.sortiment.cutover import Preview
from bibdebitor.sortiment.labels import BLOCKERS, CLASS_TITLES, CLEANSING


class Ore(int):
    """An amount in a row: CSV writes it as Danish kroner, XLSX as a number."""

    def __str__(self) -> str:
        return format_kroner(self, unit=False)


def moving_rows(preview: Preview) -> list[list[str | int | Ore]]:
    return [
        [CLASS_TITLES[account], CLASS_TITLES[claim_type], tally.count, Ore(tally.amount_ore)]
        for (account, claim_type), tally in preview.moving.items()
    ]


def blocked_rows(preview: Preview) -> list[list[str | int | Ore]]:
    return [
        [str(BLOCKERS[blocker]), tally.count, Ore(tally.amount_ore)]
        for blocker, tally in preview.blocked.items()
        if tally.count
    ]


def finding_rows(preview: Preview) -> list[list[str | int | Ore]]:
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


def sections(preview: Preview) -> list[tuple[str, list[str], list[list[str | int | Ore]]]]:
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
    """One file, a blank line between sections, ``;`` and a BOM so Excel opens it right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Cut-over dry run"), preview.agency_id, preview.cutoff.isoformat()])
    for title, header, rows in sections(preview):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([[str(v) if isinstance(v, Ore) else v for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(preview: Preview) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sections(preview):
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([Decimal(v) / 100 if isinstance(v, Ore) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
        for index, name in enumerate(header, start=1):
            width = max([len(str(name)), *(len(str(r[index - 1])) for r in rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
