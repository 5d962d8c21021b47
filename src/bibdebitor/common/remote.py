"""Asking another system a read-only question over HTTP (JSON with a bearer token), for
status pages that must say why they could not ask rather than fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True, slots=True)
class Reply:
    status: int | None  # None: no answer at all
    data: dict[str, Any] | None
    error: str = ""  # "" when status is 200 and the body is a JSON object


def fetch_json(url: str, token: str, *, timeout: float = 10.0) -> Reply:
    try:
        with httpx.Client(timeout=timeout) as http:
            response = http.get(url, headers={"Authorization": f"Bearer {token}"})
    except httpx.TransportError:
        return Reply(None, None, "unreachable")
    if response.status_code != 200:
        return Reply(response.status_code, None, f"http_{response.status_code}")
    try:
        data = response.json()
    except ValueError:
        return Reply(200, None, "not_json")
    if not isinstance(data, dict):
        return Reply(200, None, "not_json")
    return Reply(200, data)
