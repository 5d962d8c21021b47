"""Reports as files for the project group: CSV that Excel opens right, and XLSX with amounts
as numbers. A report is a list of sections: (title, header, rows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from bibdebitor.domain.money import format_count, format_kroner

Cell = str | int | None
Section = tuple[str, list[str], list[list["Cell | Ore"]]]


class Ore(int):
    """An amount in a row: CSV writes it as Danish kroner, XLSX as a number."""

    def __str__(self) -> str:
        return format_kroner(self, unit=False)


def cell_text(value: Cell | Ore) -> str:
    """A row's value for a person (page or terminal): amounts as kroner, counts with Danish
    grouping, nothing as a dash."""
    if value is None:
        return "–"
    if type(value) is int:  # an Ore is an int too, and writes itself as kroner
        return format_count(value)
    return str(value)


def is_number(value: object) -> bool:
    """Counts and amounts, which tables align right."""
    return isinstance(value, int) and not isinstance(value, bool)


def as_csv(title_row: Sequence[str], sections: list[Section]) -> bytes:
    """One file, a blank line between sections, ``;`` and a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(title_row)
    for title, header, rows in sections:
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([[str(v) if isinstance(v, Ore) else v for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(sections: list[Section]) -> bytes:
    """One sheet per section."""
    book = Workbook()
    default = book.active  # a new workbook comes with one empty sheet
    if default is not None:
        book.remove(default)
    for title, header, rows in sections:
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


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(content: bytes, filename: str) -> HttpResponse:
    """A report file as a download; the content type follows the file name's extension."""
    return HttpResponse(
        content,
        content_type=CONTENT_TYPES[filename.rpartition(".")[2]],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
