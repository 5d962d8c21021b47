from django import template

from bibdebitor import exports
from bibdebitor.domain.money import format_count, format_kroner

register = template.Library()


@register.filter(name="kroner")
def kroner(ore: int | None) -> str:
    return format_kroner(ore or 0)


@register.filter(name="count")
def count(value: int | None) -> str:
    """A whole number with Danish thousands separators: 12.345."""
    return format_count(value or 0)


register.filter("cell", exports.cell_text)
register.filter("is_number", exports.is_number)
