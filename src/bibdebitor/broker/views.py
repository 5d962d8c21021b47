"""The platform's SOAP endpoint: admit (gate), forward, answer with the receiver's answer."""

from __future__ import annotations

import time
import uuid
from typing import TypedDict

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bibdebitor.broker.forwarding import Unreachable, forward, record
from bibdebitor.broker.gate import Refused, admit
from bibdebitor.broker.models import ItSystem, Municipality, Service
from bibdebitor.common import soapviews
from bibdebitor.common.texts import in_danish


class _Who(TypedDict):
    caller: ItSystem
    municipality: Municipality
    transaction_id: uuid.UUID


@csrf_exempt  # a machine endpoint: the caller is authenticated by its signature
@require_POST
def service_call(request: HttpRequest, service: str) -> HttpResponse:
    started = time.monotonic()
    if service not in Service.values:
        record(service, started, "ukendt_service", 404)
        return soapviews.fault(404, "ukendt_service", "Servicen findes ikke på platformen.")
    body = soapviews.read_body(request)
    if isinstance(body, HttpResponse):
        record(service, started, "xml_too_large", body.status_code)
        return body
    try:
        admitted = admit(Service(service), body, timezone.now())
    except Refused as refusal:
        record(service, started, refusal.code, refusal.status)
        return soapviews.fault(refusal.status, refusal.code, in_danish(refusal))
    who: _Who = {
        "caller": admitted.caller,
        "municipality": admitted.municipality,
        "transaction_id": admitted.header.transaction_id,
    }
    try:
        response = forward(admitted.route, Service(service), body)
    except Unreachable:
        record(service, started, "modtager_utilgaengelig", 502, **who)
        return soapviews.fault(
            502, "modtager_utilgaengelig", "Modtagersystemet svarer ikke.", "Server"
        )
    record(service, started, "forwarded", response.status_code, **who)
    return HttpResponse(
        response.content,
        status=response.status_code,
        content_type=response.headers.get("Content-Type", "text/xml"),
    )
