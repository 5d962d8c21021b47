"""The SOAP endpoint. Thin: authenticate, parse safely, check the routing header, hand over to
the receiver."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bibdebitor.common import soapviews
from bibdebitor.debtor.models import SenderSystem
from bibdebitor.debtor.receiver import receive_registration
from bibdebitor.debtor.setup import setup_status
from bibdebitor.debtor.statement import MAX_PAGE, statement
from bibdebitor.protocol.messages import RegistrationRequest


@csrf_exempt  # a machine endpoint: the caller is authenticated by its token, not a session
@require_POST
def registration(request: HttpRequest) -> HttpResponse:
    sender = soapviews.caller(request, SenderSystem.objects.select_related("instance"))
    if sender is None:
        return soapviews.unknown_caller()
    body = soapviews.read_body(request)
    if isinstance(body, HttpResponse):
        return body
    message = soapviews.decode(body, RegistrationRequest)
    if isinstance(message, HttpResponse):
        return message
    instance = sender.instance
    refused = soapviews.wrong_route(
        message.header, sender=sender.it_system_uuid, receiver=instance.instance_uuid
    )
    if refused is not None:
        return refused
    return soapviews.answer(receive_registration(instance, sender, message, body))


@require_GET
def claim_statement(request: HttpRequest) -> HttpResponse:
    """``GET /sf1590/FordringOversigt/1?efter=0&antal=10000``: the calling library system's
    claims as the debtor system holds them (JSON), for reconciliation."""
    sender = soapviews.caller(request, SenderSystem.objects.all())
    if sender is None:
        return JsonResponse({"fejl": "ukendt_afsender"}, status=401)
    try:
        after = int(request.GET.get("efter", "0"))
        limit = int(request.GET.get("antal", str(MAX_PAGE)))
    except ValueError:
        return JsonResponse({"fejl": "efter og antal skal være heltal"}, status=400)
    if after < 0 or not 0 < limit <= MAX_PAGE:
        return JsonResponse({"fejl": f"antal skal være 1 til {MAX_PAGE}"}, status=400)
    lines, cursor = statement(sender, after, limit)
    return JsonResponse({"fordringer": [line.as_dict() for line in lines], "naeste": cursor})


@require_GET
def set_up(request: HttpRequest) -> HttpResponse:
    """``GET /sf1590/Opsaetning/1``: how far the calling library system's instance is set up
    (subscription, mapping table, rules), for the library's go-live checklist."""
    sender = soapviews.caller(request, SenderSystem.objects.select_related("instance"))
    if sender is None:
        return JsonResponse({"fejl": "ukendt_afsender"}, status=401)
    return JsonResponse(setup_status(sender.instance))
