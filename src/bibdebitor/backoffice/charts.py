"""Small server-drawn SVG charts (no JavaScript, readable without colour: every bar has its
value written next to it). Labels are escaped here; the markup is safe to embed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from bibdebitor.domain.money import format_count

BAR_COLOURS = ("#0059b3", "#c75300", "#5b2a86", "#2f7d32")
ROW = 40  # a label line above each bar, then the bar
BAR = 16
WIDTH = 640


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def horizontal_bars(
    rows: Sequence[tuple[str, int]], *, title: str, show: Callable[[int], str] = str
) -> SafeString:
    """One bar per row, in the order given, its label above it (labels of any length fit);
    ``show`` formats the value written after the bar."""
    if not rows:
        return mark_safe("")
    top = max(value for _, value in rows) or 1
    span = WIDTH - 160
    height = ROW * len(rows) + 4
    parts = [
        f'<svg class="chart" role="img" aria-label="{_text(title)}" viewBox="0 0 {WIDTH} '
        f'{height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{_text(title)}</title>'
    ]
    for index, (label, value) in enumerate(rows):
        y = index * ROW
        length = max(1, round(span * value / top)) if value else 0
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="13">{_text(label)}</text>'
            f'<rect x="0" y="{y + 20}" width="{length}" height="{BAR}" fill="{BAR_COLOURS[0]}"/>'
            f'<text x="{length + 6}" y="{y + 33}" font-size="13">{_text(show(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def columns_by_day(
    days: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    title: str,
    show: Callable[[int], str] = format_count,
) -> SafeString:
    """Side-by-side columns per day, one colour per series, with a legend; ``show`` formats
    the scale's top and each column's value (Danish grouping by default)."""
    if not days:
        return mark_safe("")
    height, base, left = 220, 180, 8
    top = max((max(values) if values else 0) for _, values in series) or 1
    slot = (WIDTH - left) / len(days)
    bar = max(1.0, slot / (len(series) + 1))
    parts = [
        f'<svg class="chart" role="img" aria-label="{_text(title)}" viewBox="0 0 {WIDTH} '
        f'{height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{_text(title)}</title>',
        f'<text x="{left}" y="12" font-size="12">{_text(show(top))}</text>'
        f'<line x1="{left}" y1="20" x2="{WIDTH}" y2="20" stroke="#ddd"/>'
        f'<line x1="{left}" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#999"/>',
    ]
    for s, (name, values) in enumerate(series):
        colour = BAR_COLOURS[s % len(BAR_COLOURS)]
        parts.append(
            f'<rect x="{left + s * 200}" y="{height - 16}" width="12" height="12" '
            f'fill="{colour}"/><text x="{left + s * 200 + 16}" y="{height - 6}" '
            f'font-size="12">{_text(name)}</text>'
        )
        for d, value in enumerate(values):
            h = round((base - 20) * value / top)
            x = left + d * slot + s * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h}" width="{bar:.1f}" height="{h}" '
                f'fill="{colour}"><title>{_text(days[d])}: {_text(show(value))}</title></rect>'
            )
    for d in range(0, len(days), max(1, len(days) // 6)):
        parts.append(
            f'<text x="{left + d * slot:.1f}" y="{base + 14}" font-size="12">'
            f"{_text(days[d])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
