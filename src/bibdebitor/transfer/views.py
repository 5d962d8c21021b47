"""The library's coverage service (DækningAfskrivningRegistreringAfsend). Only the agency's
own debtor system instance, by its token and routing header, may post."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bibdebitor.common import soapviews
from bibdebitor.protocol.messages import CoverageRequest
from bibdebitor.transfer.inbox import ApplyFailed, receive_coverage
from bibdebitor.transfer.models import CoverageCredential


@csrf_exempt  # a machine endpoint: the caller is authenticated by its token, not a session
@require_POST
def coverage(request: HttpRequest) -> HttpResponse:
    credential = soapviews.caller(request, CoverageCredential.objects.select_related("agency"))
    if credential is None:
        return soapviews.unknown_caller()
    body = soapviews.read_body(request)
    if isinstance(body, HttpResponse):
        return body
    message = soapviews.decode(body, CoverageRequest)
    if isinstance(message, HttpResponse):
        return message
    agency = credential.agency
    refused = soapviews.wrong_route(
        message.header, sender=agency.debtor_instance_uuid, receiver=agency.sender_instance_uuid
    )
    if refused is not None:
        return refused
    try:
        receipt = receive_coverage(agency, message, body)
    except ApplyFailed:
        return soapviews.fault(
            500, "midlertidig_fejl", "Kaldet er modtaget men ikke bogført; send igen.", "Server"
        )
    return soapviews.answer(receipt)
