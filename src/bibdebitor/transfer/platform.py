"""What the other systems say about an agency's set-up, for the go-live checklist: the service
platform (is each of the two agreements approved for the right caller, and does each service
have a route to the right receiver?) and the debtor system (subscription, mapping, rules)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from bibdebitor.common.remote import fetch_json
from bibdebitor.domain.agreements import AgreementState, lets_through
from bibdebitor.ledger.models import Agency

REGISTRATION = "DebitorRegistreringAfsend"
COVERAGE = "DaekningAfskrivningRegistreringAfsend"


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    service: str
    name: str
    agreement: AgreementState | None  # the caller's best agreement, None: none requested
    routed: bool  # a route leads to the receiver the agency expects

    @property
    def ready(self) -> bool:
        return lets_through(self.agreement) and self.routed


@dataclass(frozen=True, slots=True)
class PlatformStatus:
    services: tuple[ServiceStatus, ...] = ()
    error: str = ""  # why the platform could not be asked (then nothing is known)

    @property
    def ready(self) -> bool:
        return not self.error and len(self.services) == 2 and all(s.ready for s in self.services)


def read_status(agency: Agency) -> PlatformStatus:
    base, token = settings.BIBDEBITOR_PLATFORM_URL, settings.BIBDEBITOR_PLATFORM_TOKEN
    if not base:
        return PlatformStatus(error="no_platform")
    if agency.organisation_uuid is None:
        return PlatformStatus(error="no_organisation")
    reply = fetch_json(f"{base.rstrip('/')}/api/kommuner/{agency.organisation_uuid}/", token)
    if reply.status == 404:
        return PlatformStatus(error="unknown_municipality")
    if reply.data is None:
        return PlatformStatus(error=reply.error)
    return interpret(agency, reply.data)


@dataclass(frozen=True, slots=True)
class DebtorSetup:
    """What the debtor system says of its own set-up for this library system."""

    subscribed: bool = False
    unmapped: tuple[str, ...] = ()
    missing_rules: tuple[str, ...] = ()
    error: str = ""


def read_debtor_setup() -> DebtorSetup:
    reply = fetch_json(settings.BIBDEBITOR_DEBTOR_SETUP_URL, settings.BIBDEBITOR_SF1590_TOKEN)
    if reply.data is None:
        return DebtorSetup(error=reply.error)
    return DebtorSetup(
        bool(reply.data.get("abonnement")),
        tuple(reply.data.get("umappede", [])),
        tuple(reply.data.get("regler_mangler", [])),
    )


def interpret(agency: Agency, status: dict[str, Any]) -> PlatformStatus:
    """Who must call and who must receive: the library calls the registration service and
    the debtor system receives; for coverage it is the other way round."""
    library, debtor = agency.sender_instance_uuid, agency.debtor_instance_uuid
    parties = {REGISTRATION: (library, debtor), COVERAGE: (debtor, library)}
    services = []
    for entry in status.get("services", []):
        if entry.get("service") not in parties:
            continue
        caller, receiver = parties[entry["service"]]
        states = [
            AgreementState(a["tilstand"])
            for a in entry.get("aftaler", [])
            if caller is not None and uuid.UUID(a["kalder"]) == caller
        ]
        best = next((s for s in states if lets_through(s)), states[0] if states else None)
        route = entry.get("rute") or {}
        routed = (
            receiver is not None
            and bool(route.get("adresse"))
            and route.get("modtager") == str(receiver)
        )
        services.append(ServiceStatus(entry["service"], entry.get("navn", ""), best, routed))
    return PlatformStatus(tuple(services))
