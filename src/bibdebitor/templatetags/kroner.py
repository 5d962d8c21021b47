from django import template

from bibdebitor.domain.money import format_count, format_kroner

register = template.Library()


@register.filter(name="kroner")
def kroner(ore: int | None) -> str:
    return format_kroner(ore or 0)


@register.filter(name="count")
def count(value: int | None) -> str:
    """A whole number with Danish thousands separators: 12.345."""
    return format_count(value or 0)


@register.filter(name="cell")
def cell(value: object) -> str:
    """A table cell: amounts (exports.Ore) as kroner, counts grouped, the rest as text."""
    if isinstance(value, bool) or value is None:
        return "–" if value is None else str(value)
    if isinstance(value, int) and type(value) is int:
        return format_count(value)
    return str(value)


@register.filter(name="is_number")
def is_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
