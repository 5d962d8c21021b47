"""The dry run on a terminal (the ``cutover-preview`` command and the demo): what is handed
over and what is not, each with its total, in the Danish titles the web page uses."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from bibdebitor.common.exports import Section, cell_text
from bibdebitor.domain.money import format_count, format_kroner
from bibdebitor.sortiment.cutover import Preview, Tally
from bibdebitor.sortiment.export import sections


def _table(section: Section, total: Tally | None) -> Table:
    title, header, rows = section
    table = Table(title=title, title_justify="left", show_footer=total is not None)
    for index, name in enumerate(header):
        footer = ""
        if total is not None and index == 0:
            footer = _("Total")
        elif total is not None and index == len(header) - 2:
            footer = format_count(total.count)
        elif total is not None and index == len(header) - 1:
            footer = format_kroner(total.amount_ore, unit=False)
        numeric = index >= len(header) - 2
        table.add_column(name, footer=footer, justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(cell_text(v) for v in row))
    return table


def print_preview(console: Console, result: Preview, *, with_cleansing: bool = True) -> None:
    """Handed over and not handed over, each with its total (a claim held back for two
    reasons counts under both, so the second total counts claims, not rows), then the patrons
    to clean up."""
    handed_over, held_back, cleansing = sections(result)
    console.print(_table(handed_over, result.moving_total))
    console.print(_table(held_back, result.blocked_total))
    if with_cleansing:
        console.print(_table(cleansing, None))
