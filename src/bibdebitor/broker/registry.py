"""Keeping the platform's registry: systems and their certificates, municipalities, routes,
agreements and the decisions on them. Views and commands call these; every change is a new
row."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from bibdebitor.broker.gate import agreement_state, agreement_states, current_route
from bibdebitor.broker.models import (
    Agreement,
    AgreementDecision,
    Certificate,
    CertificateRevocation,
    ItSystem,
    Municipality,
    Route,
    Service,
)
from bibdebitor.domain.agreements import AgreementError, AgreementState, next_state
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.domain.identifiers import parse_cvr
from bibdebitor.protocol.signing import fingerprint

DECIDE_PERMISSION = "broker.decide_agreement"


def register_system(system_uuid: uuid.UUID, name: str, cert_pem: bytes) -> ItSystem:
    """Register an IT-system instance, or add a certificate to one already known."""
    try:
        print_ = fingerprint(cert_pem)
    except ValueError:
        raise DomainError(
            "certificate_invalid", gettext_noop("The certificate is not valid.")
        ) from None
    with transaction.atomic():
        system, _ = ItSystem.objects.get_or_create(uuid=system_uuid, defaults={"name": name})
        if not system.certificates.filter(fingerprint=print_).exists():
            Certificate.objects.create(system=system, fingerprint=print_, pem=cert_pem.decode())
    return system


def revoke_certificate(print_: str, reason: str) -> int:
    """Revoke every registration of the certificate; how many were revoked."""
    if not reason.strip():
        raise DomainError("reason_required", gettext_noop("Say why the certificate is revoked."))
    revoked = 0
    with transaction.atomic():
        for certificate in Certificate.objects.filter(fingerprint=print_, revocation=None):
            CertificateRevocation.objects.create(certificate=certificate, reason=reason)
            revoked += 1
    return revoked


def register_municipality(cvr: str, name: str, organisation: uuid.UUID) -> Municipality:
    """A municipality by its organisation UUID; its CVR number must pass the check digit."""
    municipality, _ = Municipality.objects.get_or_create(
        organisation_uuid=organisation, defaults={"cvr": parse_cvr(cvr), "name": name}
    )
    return municipality


def set_route(
    municipality: Municipality,
    service: Service,
    receiver: ItSystem | None,
    address: str,
    channel_token: str = "",
) -> Route:
    """A new route (an empty address withdraws it)."""
    return Route.objects.create(
        municipality=municipality,
        service=service,
        receiver=receiver,
        address=address,
        channel_token=channel_token,
    )


def request_agreement(
    caller: ItSystem, service: Service, municipality: Municipality, requested_by: str
) -> Agreement:
    return Agreement.objects.create(
        caller=caller, service=service, municipality=municipality, requested_by=requested_by
    )


def decide(
    agreement: Agreement, wanted: AgreementState, user: User | AnonymousUser, note: str = ""
) -> AgreementState:
    """Approve, reject or revoke: only an agreement administrator may, and only as the
    agreement's life allows (a reason is required to reject or revoke)."""
    # (An anonymous user has no permissions: only a signed-in administrator passes.)
    if not user.has_perm(DECIDE_PERMISSION) or not isinstance(user, User):
        raise AgreementError(
            "agreement_permission",
            gettext_noop("Only an agreement administrator may decide on agreements."),
        )
    with transaction.atomic():
        # Lock the agreement so that two decisions cannot both start from the same state.
        Agreement.objects.select_for_update().get(pk=agreement.pk)
        state = next_state(agreement_state(agreement.pk), wanted, note=note)
        AgreementDecision.objects.create(
            agreement=agreement, state=state, note=note.strip(), decided_by=user
        )
    return state


@dataclass(frozen=True, slots=True)
class AgreementView:
    agreement: Agreement
    state: AgreementState


def agreements_of(municipality: Municipality | None = None) -> list[AgreementView]:
    agreements = Agreement.objects.select_related("caller", "municipality").order_by(
        "municipality__name", "service", "-requested_at"
    )
    if municipality is not None:
        agreements = agreements.filter(municipality=municipality)
    states = agreement_states(a.pk for a in agreements)
    return [AgreementView(a, states[a.pk]) for a in agreements]


def municipality_status(municipality: Municipality) -> dict[str, object]:
    """What the library's go-live checklist reads: each service's agreements and route."""
    agreements = agreements_of(municipality)
    services = []
    for service in Service:
        route = current_route(municipality, service)
        services.append(
            {
                "service": service.value,
                "navn": service.label,
                "aftaler": [
                    {
                        "id": str(view.agreement.pk),
                        "kalder": str(view.agreement.caller.uuid),
                        "kaldernavn": view.agreement.caller.name,
                        "tilstand": view.state.value,
                    }
                    for view in agreements
                    if view.agreement.service == service
                ],
                "rute": {
                    "modtager": str(route.receiver.uuid) if route.receiver else None,
                    "adresse": route.address,
                }
                if route
                else None,
            }
        )
    return {
        "kommune": {
            "cvr": municipality.cvr,
            "navn": municipality.name,
            "organisation": str(municipality.organisation_uuid),
        },
        "services": services,
    }
