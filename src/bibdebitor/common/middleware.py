"""Request checks every process shares."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

MACHINE_PATHS = ("/oauth/", "/external/", "/sf1590/", "/api/")
NUL_REFUSED = "Forespørgslen indeholder et NUL-tegn, som ikke er tilladt."


def refuse_nul_characters(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A NUL character in a query or form value is refused with 400 before any view sees it:
    PostgreSQL cannot store or compare it, so it would otherwise surface as a server error."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith(MACHINE_PATHS):
                return JsonResponse(
                    {"error": "invalid_request", "message": NUL_REFUSED}, status=400
                )
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def _has_nul(request: HttpRequest) -> bool:
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False
