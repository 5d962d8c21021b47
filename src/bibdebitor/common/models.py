"""What every process keeps about people typing secrets: each attempt (pruned after a day) and
each lock-out and its lifting (journals, kept)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bibdebitor.common.appendonly import AppendOnlyModel


class SignInAttempt(models.Model):
    """One try at a door, under one key (a keyed digest of the name typed, or of the client
    address: never the name itself, which may be a CPR number)."""

    door = models.CharField(_("door"), max_length=20)
    key = models.CharField(_("key"), max_length=64)
    succeeded = models.BooleanField(_("succeeded"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        indexes = [models.Index(fields=["door", "key", "id"], name="attempt_door_key")]

    def __str__(self) -> str:
        return f"{self.door} {'ok' if self.succeeded else 'wrong'} {self.at:%Y-%m-%d %H:%M}"


class Lockout(AppendOnlyModel):
    door = models.CharField(_("door"), max_length=20)
    key = models.CharField(_("key"), max_length=64)
    kind = models.CharField(_("locked by"), max_length=10)  # "name" or "address"
    until = models.DateTimeField(_("locked until"))
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("lock-out")
        verbose_name_plural = _("lock-outs")
        indexes = [models.Index(fields=["door", "key", "id"], name="lockout_door_key")]

    def __str__(self) -> str:
        return f"{self.door} {self.kind} until {self.until:%Y-%m-%d %H:%M}"


class LockoutLift(AppendOnlyModel):
    """Staff lifted a lock-out before its time."""

    lockout = models.OneToOneField(Lockout, on_delete=models.PROTECT, related_name="lift")
    actor = models.CharField(_("by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("lifted lock-out")
        verbose_name_plural = _("lifted lock-outs")

    def __str__(self) -> str:
        return f"{self.lockout} lifted by {self.actor}"


class WorkerHeartbeat(models.Model):
    """When each running worker (the sender, the coverage reporter) last went round its loop:
    what ``/readyz`` reads. One row per worker, overwritten: a liveness signal, not a record."""

    name = models.CharField(_("worker"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20)
    beat_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        indexes = [models.Index(fields=["kind", "beat_at"], name="heartbeat_kind_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
