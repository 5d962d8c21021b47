"""Forwarding an admitted call to the route's receiver over a kept-alive connection, and
keeping a record of every call the platform answered."""

from __future__ import annotations

import time
import uuid

import httpx

from bibdebitor.broker.models import Call, ItSystem, Municipality, Route, Service
from bibdebitor.protocol.client import soap_headers

# One pool per process, shared by the server's threads (httpx.Client is thread-safe).
_client = httpx.Client(
    timeout=httpx.Timeout(120.0, connect=5.0),
    limits=httpx.Limits(max_connections=32, max_keepalive_connections=16, keepalive_expiry=60),
)


class Unreachable(Exception):
    pass


def forward(route: Route, service: Service, body: bytes) -> httpx.Response:
    """POST the signed bytes unchanged, so the receiver can check the signature too."""
    headers = soap_headers(service.protocol, route.channel_token)
    try:
        return _client.post(route.address, content=body, headers=headers)
    except httpx.TransportError as error:
        raise Unreachable(type(error).__name__) from None


def record(
    service: str,
    started: float,
    outcome: str,
    http_status: int | None,
    *,
    caller: ItSystem | None = None,
    municipality: Municipality | None = None,
    transaction_id: uuid.UUID | None = None,
) -> None:
    Call.objects.create(
        service=service[:40],
        caller=caller,
        municipality=municipality,
        transaction_id=transaction_id,
        outcome=outcome[:40],
        http_status=http_status,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
