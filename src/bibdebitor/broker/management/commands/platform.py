"""``bibdebitor-broker platform <what> …``: keep the service platform's registry from the
command line (the demo, the tests and a first installation use it; pages show the result)."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from bibdebitor.broker import registry
from bibdebitor.broker.models import Agreement, ItSystem, Municipality, Service, StatusClient
from bibdebitor.common.credentials import digest
from bibdebitor.domain.agreements import AgreementState
from bibdebitor.domain.errors import DomainError
from bibdebitor.protocol.signing import fingerprint

ADMINISTRATORS = "Aftaleadministratorer"
ADMINISTRATOR_PERMISSIONS = ["decide_agreement", "view_agreement", "view_call"]


class Command(BaseCommand):
    help = "Register systems, municipalities, routes, agreements and status clients."

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_subparsers(dest="what", required=True)
        system = what.add_parser("system", help="register an IT-system instance and certificate")
        system.add_argument("--uuid", type=uuid.UUID, required=True)
        system.add_argument("--name", required=True)
        system.add_argument("--cert", type=Path, required=True, help="certificate (PEM)")
        revoke = what.add_parser("revoke-certificate")
        revoke.add_argument("--cert", type=Path, required=True)
        revoke.add_argument("--reason", required=True)
        municipality = what.add_parser("municipality")
        municipality.add_argument("--cvr", required=True)
        municipality.add_argument("--name", required=True)
        municipality.add_argument("--organisation", type=uuid.UUID, required=True)
        route = what.add_parser("route", help="route a municipality's calls to a service")
        route.add_argument("--organisation", type=uuid.UUID, required=True)
        route.add_argument("--service", choices=Service.values, required=True)
        route.add_argument("--receiver", type=uuid.UUID, required=True)
        route.add_argument("--address", required=True, help="empty withdraws the route")
        route.add_argument("--channel-token", default="")
        agreement = what.add_parser("agreement", help="request an agreement (prints its id)")
        agreement.add_argument("--caller", type=uuid.UUID, required=True)
        agreement.add_argument("--service", choices=Service.values, required=True)
        agreement.add_argument("--organisation", type=uuid.UUID, required=True)
        agreement.add_argument("--requested-by", default="kommandolinje")
        decide = what.add_parser("decide", help="approve, reject or revoke an agreement")
        decide.add_argument("--agreement", type=uuid.UUID, required=True)
        decide.add_argument("--state", choices=["approved", "rejected", "revoked"], required=True)
        decide.add_argument("--by", required=True, help="an agreement administrator's username")
        decide.add_argument("--note", default="")
        admin = what.add_parser("administrator", help="create an agreement administrator")
        admin.add_argument("--username", required=True)
        admin.add_argument("--password", required=True)
        client = what.add_parser("status-client", help="a token to read agreement status")
        client.add_argument("--name", required=True)
        client.add_argument("--token", default="", help="default: a new random token")

    def handle(self, *args: object, what: str, **options: object) -> None:
        try:
            with transaction.atomic():
                getattr(self, f"_{what.replace('-', '_')}")(**options)
        except DomainError as error:
            raise CommandError(error.message) from None

    def _system(self, uuid: uuid.UUID, name: str, cert: Path, **_: object) -> None:
        registry.register_system(uuid, name, _read(cert))

    def _revoke_certificate(self, cert: Path, reason: str, **_: object) -> None:
        revoked = registry.revoke_certificate(fingerprint(_read(cert)), reason)
        self.stdout.write(f"{revoked} revoked")

    def _municipality(self, cvr: str, name: str, organisation: uuid.UUID, **_: object) -> None:
        registry.register_municipality(cvr, name, organisation)

    def _route(
        self,
        organisation: uuid.UUID,
        service: str,
        receiver: uuid.UUID,
        address: str,
        channel_token: str,
        **_: object,
    ) -> None:
        registry.set_route(
            _municipality(organisation),
            Service(service),
            _system(receiver),
            address,
            channel_token,
        )

    def _agreement(
        self,
        caller: uuid.UUID,
        service: str,
        organisation: uuid.UUID,
        requested_by: str,
        **_: object,
    ) -> None:
        made = registry.request_agreement(
            _system(caller), Service(service), _municipality(organisation), requested_by
        )
        self.stdout.write(str(made.pk))

    def _decide(self, agreement: uuid.UUID, state: str, by: str, note: str, **_: object) -> None:
        found = Agreement.objects.filter(pk=agreement).first()
        user = get_user_model().objects.filter(username=by).first()
        if found is None or user is None:
            raise CommandError("unknown agreement or user")
        registry.decide(found, AgreementState(state), user, note)

    def _administrator(self, username: str, password: str, **_: object) -> None:
        group, _created = Group.objects.get_or_create(name=ADMINISTRATORS)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="broker", codename__in=ADMINISTRATOR_PERMISSIONS
            )
        )
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(group)

    def _status_client(self, name: str, token: str, **_: object) -> None:
        token = token or secrets.token_urlsafe(32)
        StatusClient.objects.create(name=name, token_sha256=digest(token))
        self.stdout.write(token)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None


def _system(system_uuid: uuid.UUID) -> ItSystem:
    found = ItSystem.objects.filter(uuid=system_uuid).first()
    if found is None:
        raise CommandError(f"unknown IT system {system_uuid}")
    return found


def _municipality(organisation: uuid.UUID) -> Municipality:
    found = Municipality.objects.filter(organisation_uuid=organisation).first()
    if found is None:
        raise CommandError(f"unknown municipality {organisation}")
    return found
