"""The gate every call passes on the service platform, in the order a refusal is cheapest:
signature by a registered, unrevoked certificate → time window → nonce not seen before → the
header's sender is the signing system → the municipality is known → an approved agreement
for caller × service × municipality → a route, whose receiver the header names.

A refusal says why with a stable code. Authentication refusals are 401 and agreement/route
refusals 403/404, which callers treat as "not yet" and retry (a route or agreement may be
being put in place); nothing refused is forwarded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from bibdebitor.broker.models import (
    Agreement,
    AgreementDecision,
    Certificate,
    ItSystem,
    Municipality,
    Route,
    SeenNonce,
    Service,
)
from bibdebitor.common import pruning
from bibdebitor.domain.agreements import AgreementState, lets_through
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.protocol.codec import CALLER_ERROR, decode_routing
from bibdebitor.protocol.messages import Header
from bibdebitor.protocol.safexml import ProtocolError
from bibdebitor.protocol.signing import SignatureError, Verified, nonce_key, verify

WINDOW = dt.timedelta(minutes=5)
NONCE_PRUNE_EVERY = 1_000  # calls: the table holds at most this many more than two windows


class Refused(DomainError):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code, message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Admitted:
    caller: ItSystem
    municipality: Municipality
    route: Route
    header: Header


AGREEMENT_REFUSALS = {
    None: ("ingen_serviceaftale", gettext_noop("There is no service agreement for this call.")),
    AgreementState.REQUESTED: (
        "serviceaftale_afventer",
        gettext_noop("The service agreement is not approved yet."),
    ),
    AgreementState.REJECTED: (
        "serviceaftale_afvist",
        gettext_noop("The service agreement was rejected."),
    ),
    AgreementState.REVOKED: (
        "serviceaftale_tilbagekaldt",
        gettext_noop("The service agreement has been revoked."),
    ),
}


def admit(service: Service, data: bytes, now: dt.datetime) -> Admitted:
    """Who may make this call and where it goes, or ``Refused`` with why."""
    signed = _authenticate(data, now)
    header = _header(signed.envelope, service)
    caller = _signing_sender(header, signed.fingerprint)
    municipality = _municipality(header)
    _require_agreement(caller, service, municipality)
    route = _route(municipality, service, header)
    return Admitted(caller, municipality, route, header)


def _authenticate(data: bytes, now: dt.datetime) -> Verified:
    try:
        signed = verify(data, _trusted_certificate)
    except SignatureError as error:
        raise Refused(401, error.code, error.message) from None
    except ProtocolError as error:
        raise Refused(400, error.code, str(error)) from None
    if abs(now - signed.created) > WINDOW:
        raise Refused(
            401,
            "foraeldet_kald",
            gettext_noop("The call's creation time is outside the allowed five minutes."),
        )
    _remember_nonce(signed, now)
    return signed


def _trusted_certificate(fingerprint: str) -> bytes | None:
    certificates = list(
        Certificate.objects.filter(fingerprint=fingerprint).select_related("revocation")
    )
    valid = [c for c in certificates if not hasattr(c, "revocation")]
    if certificates and not valid:
        raise Refused(
            401, "certifikat_spaerret", gettext_noop("The signing certificate has been revoked.")
        )
    return valid[0].pem.encode() if valid else None


def _remember_nonce(signed: Verified, now: dt.datetime) -> None:
    try:
        with transaction.atomic():
            seen = SeenNonce.objects.create(key=nonce_key(signed), seen_at=now)
    except IntegrityError:
        raise Refused(
            401, "genafspillet_kald", gettext_noop("This call has been received before (replay).")
        ) from None
    if pruning.due(seen.pk, NONCE_PRUNE_EVERY):
        prune_nonces(now)


def prune_nonces(now: dt.datetime) -> int:
    """Forget nonces older than twice the window: such calls are refused as stale anyway."""
    deleted, _ = SeenNonce.objects.filter(seen_at__lt=now - 2 * WINDOW).delete()
    return deleted


def _header(envelope: bytes, service: Service) -> Header:
    """The call's header, to route on; the body is the receiver's to read and validate."""
    try:
        request, header = decode_routing(envelope)
    except ProtocolError as error:
        raise Refused(CALLER_ERROR, error.code, str(error)) from None
    if request != f"{service.protocol.value}_I":  # the element name is Danish, the address ASCII
        raise Refused(
            CALLER_ERROR, "forkert_service", gettext_noop("The message belongs to another service.")
        )
    return header


def _signing_sender(header: Header, fingerprint: str) -> ItSystem:
    caller = ItSystem.objects.filter(
        uuid=header.sender.it_system_instance,
        certificates__fingerprint=fingerprint,
        certificates__revocation__isnull=True,
    ).first()
    if caller is None:
        raise Refused(
            403,
            "forkert_afsender",
            gettext_noop("The sender in the header is not the IT system that signed the call."),
        )
    return caller


def _municipality(header: Header) -> Municipality:
    municipality = Municipality.objects.filter(
        organisation_uuid=header.receiver.organisation
    ).first()
    if municipality is None:
        raise Refused(
            403,
            "ukendt_myndighed",
            gettext_noop("The receiving organisation is not a known municipality."),
        )
    return municipality


def agreement_states(agreement_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, AgreementState]:
    """Each agreement's state: its last decision, or requested while there is none."""
    ids = list(agreement_ids)
    states = dict.fromkeys(ids, AgreementState.REQUESTED)
    decisions = AgreementDecision.objects.filter(agreement_id__in=ids).order_by("id")
    for agreement_id, state in decisions.values_list("agreement_id", "state"):
        states[agreement_id] = AgreementState(state)
    return states


def agreement_state(agreement_id: uuid.UUID) -> AgreementState:
    return agreement_states([agreement_id])[agreement_id]


def _require_agreement(caller: ItSystem, service: Service, municipality: Municipality) -> None:
    ids = (
        Agreement.objects.filter(caller=caller, service=service, municipality=municipality)
        .order_by("-requested_at")
        .values_list("pk", flat=True)
    )
    by_id = agreement_states(ids)
    states = [by_id[pk] for pk in ids]
    if any(lets_through(state) for state in states):
        return
    code, message = AGREEMENT_REFUSALS[states[0] if states else None]
    raise Refused(403, code, message)


def current_route(municipality: Municipality, service: Service) -> Route | None:
    route = (
        Route.objects.filter(municipality=municipality, service=service)
        .select_related("receiver")
        .order_by("-id")
        .first()
    )
    return route if route is not None and route.address else None


def _route(municipality: Municipality, service: Service, header: Header) -> Route:
    route = current_route(municipality, service)
    if route is None:
        raise Refused(
            404, "ingen_rute", gettext_noop("The municipality has no route for this service.")
        )
    if route.receiver is None or route.receiver.uuid != header.receiver.it_system_instance:
        raise Refused(
            403,
            "forkert_modtager",
            gettext_noop("The receiver in the header is not the system the route leads to."),
        )
    return route
