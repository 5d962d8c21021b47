"""System checks of a deployment's settings, beside Django's own (``check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def tls_needs_the_proxy_named(app_configs: object, **kwargs: object) -> list[Warning]:
    """Behind TLS the proxy's X-Forwarded-Proto says a request came over HTTPS; waitress drops
    that header from anyone but ``BIBDEBITOR_TRUSTED_PROXY``, so without it every request
    looks like plain HTTP and is redirected to HTTPS for ever."""
    if settings.BIBDEBITOR_TLS and not settings.BIBDEBITOR_TRUSTED_PROXY:
        return [
            Warning(
                "BIBDEBITOR_TLS=1 needs BIBDEBITOR_TRUSTED_PROXY (the reverse proxy's address).",
                hint="Without it every request is redirected to HTTPS in a loop.",
                id="bibdebitor.W001",
            )
        ]
    return []
