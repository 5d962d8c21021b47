"""This process's signing identity, read once from the files the settings name."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from bibdebitor.protocol.signing import Identity


@functools.cache
def own_identity() -> Identity | None:
    key, cert = settings.BIBDEBITOR_SIGNING_KEY, settings.BIBDEBITOR_SIGNING_CERT
    if not key and not cert:
        return None
    if not (key and cert):
        raise ImproperlyConfigured("set both BIBDEBITOR_SIGNING_KEY and BIBDEBITOR_SIGNING_CERT")
    return Identity(Path(key).read_bytes(), Path(cert).read_bytes())
