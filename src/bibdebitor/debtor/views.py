"""The SOAP endpoint. Thin: authenticate, parse safely, check the routing header, hand over to
the receiver. Faults are SOAP 1.1 faults: ``Client`` for the caller's mistakes, with a code."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bibdebitor.debtor.models import SenderSystem
from bibdebitor.debtor.receiver import receive_registration
from bibdebitor.protocol.codec import CONTENT_TYPE, SoapFault, decode_request, encode_fault
from bibdebitor.protocol.messages import RegistrationRequest
from bibdebitor.protocol.safexml import MAX_MESSAGE_BYTES, ProtocolError


def _fault(status: int, code: str, text: str) -> HttpResponse:
    body = encode_fault(SoapFault("Client", code, text))
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)


def authenticated_sender(request: HttpRequest) -> SenderSystem | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return SenderSystem.objects.select_related("instance").filter(token_sha256=digest).first()


@csrf_exempt  # a machine endpoint: the caller is authenticated by its token, not a session
@require_POST
def registration(request: HttpRequest) -> HttpResponse:
    sender = authenticated_sender(request)
    if sender is None:
        return _fault(401, "ukendt_afsender", "Kalderen er ikke godkendt.")
    if int(request.headers.get("Content-Length") or 0) > MAX_MESSAGE_BYTES:
        return _fault(413, "xml_too_large", "Beskeden er større end tilladt.")
    try:
        message = decode_request(request.body)
    except ProtocolError as error:
        return _fault(500, error.code, str(error))
    if not isinstance(message, RegistrationRequest):
        return _fault(500, "forkert_service", "Beskeden hører til en anden service.")
    instance = sender.instance
    if message.header.receiver.it_system_instance != instance.instance_uuid:
        return _fault(500, "forkert_modtager", "Modtageren i hovedoplysningerne er forkert.")
    if message.header.sender.it_system_instance != sender.it_system_uuid:
        return _fault(500, "forkert_afsender", "Afsenderen i hovedoplysningerne er forkert.")
    receipt = receive_registration(instance, sender, message, request.body)
    return HttpResponse(receipt, content_type=CONTENT_TYPE)
