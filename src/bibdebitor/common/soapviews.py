"""What both sides' SOAP endpoints share: bearer-token lookup, the size cap, safe decoding,
and SOAP faults (``Client`` for the caller's mistakes, each with a code)."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from bibdebitor.common.credentials import digest
from bibdebitor.protocol.codec import (
    CALLER_ERROR,
    CONTENT_TYPE,
    SoapFault,
    decode_request,
    encode_fault,
)
from bibdebitor.protocol.messages import CoverageRequest, Header, RegistrationRequest
from bibdebitor.protocol.safexml import MAX_MESSAGE_BYTES, ProtocolError

_Credential = TypeVar("_Credential", bound=Model)
_Request = TypeVar("_Request", RegistrationRequest, CoverageRequest)


def fault(status: int, code: str, text: str, role: str = "Client") -> HttpResponse:
    body = encode_fault(SoapFault(role, code, text))
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)


def bearer_digest(request: HttpRequest) -> str | None:
    """SHA-256 of the bearer token (tokens are stored hashed), or None without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return digest(token)


def caller(request: HttpRequest, credentials: QuerySet[_Credential]) -> _Credential | None:
    """The credential row whose ``token_sha256`` matches the bearer token, or None."""
    digest = bearer_digest(request)
    return credentials.filter(token_sha256=digest).first() if digest else None


def unknown_caller() -> HttpResponse:
    return fault(401, "ukendt_afsender", "Kalderen er ikke godkendt.")


def read_body(request: HttpRequest) -> bytes | HttpResponse:
    """The body of a SOAP call, capped at ``MAX_MESSAGE_BYTES`` at every endpoint of the three
    processes (read from the stream: Django's cap for form posts stays at its default)."""
    too_large = fault(413, "xml_too_large", "Beskeden er større end tilladt.")
    if int(request.headers.get("Content-Length") or 0) > MAX_MESSAGE_BYTES:
        return too_large
    data = request.read(MAX_MESSAGE_BYTES + 1)
    return too_large if len(data) > MAX_MESSAGE_BYTES else data


def decode(body: bytes, expected: type[_Request]) -> _Request | HttpResponse:
    """The decoded message of the ``expected`` type, or the fault to answer with."""
    try:
        message = decode_request(body)
    except ProtocolError as error:
        return fault(CALLER_ERROR, error.code, str(error))
    if not isinstance(message, expected):
        return fault(CALLER_ERROR, "forkert_service", "Beskeden hører til en anden service.")
    return message


def wrong_route(
    header: Header, sender: uuid.UUID | None, receiver: uuid.UUID | None
) -> HttpResponse | None:
    """A fault if the routing header does not name the expected sender and receiver IT-system
    instances (None: there is none, so no header names it)."""
    if header.receiver.it_system_instance != receiver:
        return fault(
            CALLER_ERROR, "forkert_modtager", "Modtageren i hovedoplysningerne er forkert."
        )
    if sender is None or header.sender.it_system_instance != sender:
        return fault(
            CALLER_ERROR, "forkert_afsender", "Afsenderen i hovedoplysningerne er forkert."
        )
    return None


def answer(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type=CONTENT_TYPE)
