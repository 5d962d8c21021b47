"""Danish texts for machines' readers: refusals sent over the wire and shown to staff are in
Danish whatever the request's language."""

from __future__ import annotations

from django.utils.translation import gettext, override

from bibdebitor.domain.errors import DomainError


def in_danish(error: DomainError) -> str:
    with override("da"):
        return gettext(error.message)
