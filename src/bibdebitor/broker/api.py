"""``GET /api/kommuner/<organisation>/``: a municipality's agreements and routes per service,
for the library's go-live checklist. Callers authenticate with a status client's token."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from bibdebitor.broker.models import Municipality, StatusClient
from bibdebitor.broker.registry import municipality_status
from bibdebitor.common import soapviews


@require_GET
def municipality(request: HttpRequest, organisation: uuid.UUID) -> JsonResponse:
    if soapviews.caller(request, StatusClient.objects.all()) is None:
        return JsonResponse({"fejl": "ukendt_klient"}, status=401)
    found = Municipality.objects.filter(organisation_uuid=organisation).first()
    if found is None:
        return JsonResponse({"fejl": "ukendt_kommune"}, status=404)
    return JsonResponse(municipality_status(found))
