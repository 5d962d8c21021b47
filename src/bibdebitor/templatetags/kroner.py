from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext

from bibdebitor.common import exports
from bibdebitor.domain.actors import Actor, ActorKind
from bibdebitor.domain.identifiers import mask_cpr
from bibdebitor.domain.money import format_count, format_kroner

register = template.Library()


@register.filter(name="actor")
def actor(value: str) -> str:
    """Who acted, as a journal says it (``domain.actors``), in words: a staff member by user
    name, anyone else by what they are."""
    try:
        who = Actor.parse(value)
    except ValueError:
        return value  # a journal row older than the one actor format
    if who.kind is ActorKind.STAFF:
        return who.name
    words = {
        ActorKind.CITIZEN: gettext("borrower %(name)s (self-service)"),
        ActorKind.GUARDIAN: gettext("the guardian (self-service)"),
        ActorKind.IMPORT: gettext("import of %(name)s"),
        ActorKind.OPERATOR: gettext("operator %(name)s (command line)"),
        ActorKind.SYSTEM: gettext("the system (%(name)s)"),
    }[who.kind]
    return words % {"name": who.name} if "%(name)s" in words else words


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
