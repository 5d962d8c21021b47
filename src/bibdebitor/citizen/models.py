"""Who may read fees: the client systems of an agency (its website, self-service machines),
and the short-lived tokens they get for a signed-in patron (OAuth 2.0 password grant, as the
FBS adapter's security definition says)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bibdebitor.common.appendonly import AppendOnlyModel
from bibdebitor.ledger.models import Agency, Patron


class ClientSystem(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="client_systems")
    name = models.CharField(_("name"), max_length=200)
    client_id = models.CharField(_("client id"), max_length=64, unique=True)
    secret_sha256 = models.CharField(_("client secret (SHA-256)"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("client system")
        verbose_name_plural = _("client systems")

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class AccessToken(AppendOnlyModel):
    """A bearer token for one patron through one client system, until it expires."""

    token_sha256 = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(ClientSystem, on_delete=models.PROTECT, related_name="tokens")
    patron = models.ForeignKey(Patron, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
