"""The FBS-compatible fees API (``../shared/specs/fbs-adapter.yaml``, ``getFeesV2``) and the
OAuth 2.0 password grant its security definition names. As with the FBS CMS adapter, the
path carries the literal words ``agencyid`` and ``patronid``: the bearer token says which
agency and patron are meant."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bibdebitor.citizen.fees import api_fees
from bibdebitor.citizen.models import AccessToken, ClientSystem
from bibdebitor.citizen.patrons import find_patron, live_token_patron, lock_name
from bibdebitor.common import soapviews
from bibdebitor.common.credentials import digest
from bibdebitor.common.throttle import Door, Gate
from bibdebitor.ledger.models import Agency, Patron
from bibdebitor.ledger.services import pin_matches

TOKEN_LIFETIME = dt.timedelta(hours=1)
BOOLEANS = {"true": True, "false": False}


def _oauth_error(code: str, description: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "error_description": description}, status=status)


def _patron_with_pin(agency: Agency, username: str, pin: str) -> Patron | None:
    patron = find_patron(agency, username)
    return patron if patron is not None and pin_matches(patron, pin) else None


def _locked(until: dt.datetime) -> JsonResponse:
    """Too many wrong PINs for this username: 429 with when to try again (RFC 6585)."""
    seconds = max(1, int((until - timezone.now()).total_seconds()))
    response = _oauth_error(
        "invalid_grant", f"sign-in locked after too many wrong PINs; retry after {seconds} s", 429
    )
    response["Retry-After"] = str(seconds)
    return response


@csrf_exempt  # a machine endpoint: the client authenticates with its secret
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    """``POST /oauth/token`` (grant_type=password, client_id, client_secret, username =
    library card number or CPR number, password = PIN)."""
    data = request.POST
    if data.get("grant_type") != "password":
        return _oauth_error("unsupported_grant_type", "only grant_type=password", 400)
    client = (
        ClientSystem.objects.select_related("agency")
        .filter(client_id=data.get("client_id", ""), active=True)
        .first()
    )
    secret = digest(data.get("client_secret", ""))
    if client is None or not hmac.compare_digest(client.secret_sha256, secret):
        return _oauth_error("invalid_client", "unknown client or wrong secret", 401)
    # Locked by the name only: every request comes from the website's own address.
    username, pin = data.get("username", ""), data.get("password", "")
    gate = Gate(Door.OAUTH_PASSWORD, lock_name(client.agency, username), "")
    patron, locked = gate.attempt(lambda: _patron_with_pin(client.agency, username, pin))
    if locked is not None:
        return _locked(locked)
    if patron is None:
        return _oauth_error("invalid_grant", "unknown patron or wrong PIN", 400)
    value = secrets.token_urlsafe(32)
    AccessToken.objects.create(
        token_sha256=digest(value),
        client=client,
        patron=patron,
        expires_at=timezone.now() + TOKEN_LIFETIME,
    )
    return JsonResponse(
        {
            "access_token": value,
            "token_type": "bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
        }
    )


def _patron_for(request: HttpRequest) -> int | None:
    """The id of the patron a live token of an active client stands for."""
    token_digest = soapviews.bearer_digest(request)
    return live_token_patron(token_digest) if token_digest else None


@require_GET
def fees(request: HttpRequest) -> HttpResponse:
    """``GET /external/agencyid/patron/patronid/fees/v2?includepaid=…&includenonpayable=…``"""
    patron_id = _patron_for(request)
    if patron_id is None:
        return JsonResponse({"message": "client unauthorized"}, status=401)
    flags = {}
    for name in ("includepaid", "includenonpayable"):
        value = BOOLEANS.get(request.GET.get(name, "").lower())
        if value is None:
            return JsonResponse({"message": f"{name} must be true or false"}, status=400)
        flags[name] = value
    found = api_fees(
        patron_id, include_paid=flags["includepaid"], include_nonpayable=flags["includenonpayable"]
    )
    return JsonResponse(found, safe=False)
