"""Secrets we are given (bearer tokens, client secrets) are stored only as their SHA-256."""

from __future__ import annotations

import hashlib


def digest(secret: str) -> str:
    """The hex SHA-256 a stored credential is looked up by."""
    return hashlib.sha256(secret.encode()).hexdigest()
