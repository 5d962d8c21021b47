"""The service platform's registry (its own process and database, like the debtor system).

IT systems prove who they are with certificates; municipalities are known by CVR and
organisation UUID; a route says which IT-system instance serves a municipality for a service
(dynamic routing); an agreement lets one IT system call one service for one municipality.
Certificates, routes, decisions and calls are append-only journals: a revoked certificate, a
changed route and every decision on an agreement stay readable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bibdebitor.common import validators
from bibdebitor.common.appendonly import AppendOnlyModel
from bibdebitor.domain.agreements import AgreementState
from bibdebitor.protocol.messages import Service as ProtocolService


class Service(models.TextChoices):
    """The two SF1590_B_01 services, by their ASCII address names."""

    REGISTRATION = "DebitorRegistreringAfsend", "SF1590_B_01 DebitorRegistreringAfsend"
    COVERAGE = (
        "DaekningAfskrivningRegistreringAfsend",
        "SF1590_B_01A DækningAfskrivningRegistreringAfsend",
    )

    @property
    def protocol(self) -> ProtocolService:
        return {
            Service.REGISTRATION: ProtocolService.REGISTRATION,
            Service.COVERAGE: ProtocolService.COVERAGE,
        }[self]


class ItSystem(models.Model):
    """An IT-system instance as the headers name it (Afsender/Modtager IT system instans)."""

    uuid = models.UUIDField(_("IT system instance"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("IT system")
        verbose_name_plural = _("IT systems")

    def __str__(self) -> str:
        return self.name


class Certificate(AppendOnlyModel):
    """A certificate an IT system signs with; several may be valid while one is renewed."""

    system = models.ForeignKey(ItSystem, on_delete=models.PROTECT, related_name="certificates")
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, db_index=True)
    pem = models.TextField(_("certificate (PEM)"))
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "fingerprint"], name="one_cert_per_system")
        ]


class CertificateRevocation(AppendOnlyModel):
    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="revocation"
    )
    reason = models.CharField(_("reason"), max_length=300)
    revoked_at = models.DateTimeField(auto_now_add=True)


class Municipality(models.Model):
    cvr = models.CharField(_("CVR number"), max_length=8, unique=True, validators=[validators.cvr])
    name = models.CharField(_("name"), max_length=200)
    organisation_uuid = models.UUIDField(_("organisation"), unique=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.cvr})"


class Route(AppendOnlyModel):
    """Where a municipality's calls to a service go; the newest row wins, an empty address
    withdraws the route."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="routes")
    service = models.CharField(_("service"), max_length=40, choices=Service.choices)
    receiver = models.ForeignKey(
        ItSystem, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    address = models.URLField(_("address"), blank=True)
    # The receiving system's channel credential for calls from the platform (mutual TLS in
    # production; a bearer token on a single machine).
    channel_token = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "service", "-id"])]


class Agreement(models.Model):
    """A service agreement (serviceaftale): ``caller`` may call ``service`` for
    ``municipality``. Its state is the last decision in its journal."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    caller = models.ForeignKey(ItSystem, on_delete=models.PROTECT, related_name="agreements")
    service = models.CharField(_("service"), max_length=40, choices=Service.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="agreements"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.CharField(_("requested by"), max_length=200)

    class Meta:
        verbose_name = _("service agreement")
        verbose_name_plural = _("service agreements")
        permissions = [("decide_agreement", _("Can approve, reject and revoke agreements"))]

    def __str__(self) -> str:
        return f"{self.caller} → {self.get_service_display()} → {self.municipality}"


class AgreementDecision(AppendOnlyModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="decisions")
    state = models.CharField(
        _("state"), max_length=10, choices=[(s.value, s.value) for s in AgreementState]
    )
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)


class SeenNonce(models.Model):
    """Nonces of signed calls, kept while their time window is open (then pruned: a call that
    old is refused as stale anyway); a second call with the same nonce is a replay."""

    key = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class Call(AppendOnlyModel):
    """Every call the platform answered: who, what, for whom, and what became of it."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    service = models.CharField(max_length=40)
    caller = models.ForeignKey(ItSystem, on_delete=models.PROTECT, null=True, related_name="+")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, related_name="+"
    )
    transaction_id = models.UUIDField(null=True)
    outcome = models.CharField(max_length=40)  # "forwarded" or the refusal's code
    http_status = models.PositiveSmallIntegerField(null=True)
    duration_ms = models.PositiveIntegerField()


class StatusClient(models.Model):
    """A system allowed to read agreement and route status (the library's go-live
    checklist); its bearer token is stored hashed."""

    name = models.CharField(_("name"), max_length=200)
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
