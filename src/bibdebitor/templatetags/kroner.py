from collections.abc import Mapping
from typing import Any

from django import template

from bibdebitor.common import exports
from bibdebitor.domain.identifiers import mask_cpr
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
register.filter("masked_cpr", mask_cpr)


@register.filter(name="get_item")
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    """``mapping|get_item:key``: a title by its class UUID, say."""
    return mapping.get(key)
