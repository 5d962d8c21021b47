from django import template

from bibdebitor.domain.money import format_kroner

register = template.Library()


@register.filter(name="kroner")
def kroner(ore: int | None) -> str:
    return format_kroner(ore or 0)
