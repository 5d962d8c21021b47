"""The SOAP endpoint. Thin: authenticate, parse safely, check the routing header, hand over to
the receiver."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bibdebitor import soapviews
from bibdebitor.debtor.models import SenderSystem
from bibdebitor.debtor.receiver import receive_registration
from bibdebitor.protocol.messages import RegistrationRequest, SystemRef


@csrf_exempt  # a machine endpoint: the caller is authenticated by its token, not a session
@require_POST
def registration(request: HttpRequest) -> HttpResponse:
    sender = soapviews.caller(request, SenderSystem.objects.select_related("instance"))
    if sender is None:
        return soapviews.unknown_caller()
    message = soapviews.decode(request, RegistrationRequest)
    if isinstance(message, HttpResponse):
        return message
    instance = sender.instance
    refused = soapviews.wrong_route(
        message.header,
        sender=SystemRef(instance.organisation_uuid, sender.it_system_uuid),
        receiver=SystemRef(instance.organisation_uuid, instance.instance_uuid),
    )
    if refused is not None:
        return refused
    return soapviews.answer(receive_registration(instance, sender, message, request.body))
