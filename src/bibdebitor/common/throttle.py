"""Lock-out wherever a person types a secret: the citizen page's PIN, the fees API's OAuth
password grant and the payment portal's MitID simulator (staff logins: django-axes).

After ``MAX_FAILURES`` wrong tries in a row under one name, or from one client address, that
name or address is locked for ``FIRST_LOCK``, doubling with each lock-out of the same key in
the last day. While locked, the right secret is refused like a wrong one (and not counted).
Names are normalised and kept only as a keyed digest, so a locked name that belongs to no one
behaves exactly like one that does, and a CPR number typed as a name never lands in a table.
Every lock-out is journalled (``Lockout``); staff may lift one (``LockoutLift``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext

from bibdebitor.common import pruning
from bibdebitor.common.models import Lockout, LockoutLift, SignInAttempt
from bibdebitor.domain import actors

T = TypeVar("T")
MAX_FAILURES = 5
FIRST_LOCK = dt.timedelta(minutes=15)
MEMORY = dt.timedelta(days=1)  # attempts older than this are forgotten; repeats count within it
PRUNE_EVERY = 500  # attempts: one in so many prunes the forgotten ones


class Door(StrEnum):
    CITIZEN_PIN = "citizen-pin"
    OAUTH_PASSWORD = "oauth-password"  # noqa: S105 - a door's name, not a secret
    MITID = "mitid"


def normalised(name: str) -> str:
    """The name as the sign-in finds it: no spaces or dashes, case folded (``010190-1234``
    and ``0101901234`` are one name)."""
    return "".join(name.split()).replace("-", "").casefold()


def digest(door: Door, kind: str, value: str) -> str:
    message = f"{door}:{kind}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Gate:
    """One door, for one sign-in: the name typed and the client's address."""

    door: Door
    name: str
    address: str

    @classmethod
    def for_request(cls, door: Door, request: HttpRequest, name: str) -> Gate:
        return cls(door, name, request.META.get("REMOTE_ADDR", ""))

    @property
    def keys(self) -> dict[str, str]:
        return {
            "name": digest(self.door, "name", normalised(self.name)),
            "address": digest(self.door, "address", self.address),
        }

    def locked_until(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the lock on the name or the address ends, if either is locked now."""
        now = now or timezone.now()
        ends = [until for key in self.keys.values() if (until := _locked(self.door, key, now))]
        return max(ends, default=None)

    def attempt(self, check: Callable[[], T | None]) -> tuple[T | None, dt.datetime | None]:
        """Try the secret unless the door is locked, and count the outcome: ``(what
        ``check`` found, None)`` when it was right, ``(None, when the lock ends)`` when the
        door is or just became locked, ``(None, None)`` for a wrong secret."""
        if (locked := self.locked_until()) is not None:
            return None, locked
        found = check()
        if found is not None:
            self.succeeded()
            return found, None
        return None, self.failed()

    def succeeded(self, now: dt.datetime | None = None) -> None:
        _attempt(self.door, self.keys.values(), True, now or timezone.now())

    def failed(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """Count a wrong secret; returns when the new lock ends if this try locked."""
        now = now or timezone.now()
        _attempt(self.door, self.keys.values(), False, now)
        ends = []
        with transaction.atomic():
            for kind, key in self.keys.items():
                if _failures_in_a_row(self.door, key, now) >= MAX_FAILURES:
                    ends.append(_lock(self.door, key, kind, now).until)
        return max(ends, default=None)


def _attempt(door: Door, keys: Iterable[str], succeeded: bool, now: dt.datetime) -> None:
    made = SignInAttempt.objects.bulk_create(
        SignInAttempt(door=door, key=key, succeeded=succeeded, at=now) for key in keys
    )
    if made and pruning.due(made[-1].pk, PRUNE_EVERY, len(made)):
        prune(now)


def prune(now: dt.datetime | None = None) -> int:
    """Forget attempts older than a day (lock-outs stay: they are the journal)."""
    deleted, _ = SignInAttempt.objects.filter(at__lt=(now or timezone.now()) - MEMORY).delete()
    return deleted


def _locked(door: Door, key: str, now: dt.datetime) -> dt.datetime | None:
    latest = Lockout.objects.filter(door=door, key=key).order_by("-id").first()
    if latest is None or latest.until <= now or LockoutLift.objects.filter(lockout=latest).exists():
        return None
    return latest.until


def _failures_in_a_row(door: Door, key: str, now: dt.datetime) -> int:
    """Wrong tries since the last right one and since the last lock-out began."""
    attempts = SignInAttempt.objects.filter(door=door, key=key, at__gte=now - MEMORY)
    last_success = attempts.filter(succeeded=True).aggregate(last=Max("id"))["last"] or 0
    failures = attempts.filter(succeeded=False, id__gt=last_success)
    latest = Lockout.objects.filter(door=door, key=key).order_by("-id").first()
    if latest is not None:
        failures = failures.filter(at__gt=latest.recorded_at)
    return failures.count()


def _lock(door: Door, key: str, kind: str, now: dt.datetime) -> Lockout:
    repeats = Lockout.objects.filter(door=door, key=key, recorded_at__gte=now - MEMORY).count()
    return Lockout.objects.create(
        door=door, key=key, kind=kind, until=now + FIRST_LOCK * 2**repeats, recorded_at=now
    )


def name_locked_until(door: Door, name: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """The lock on a name (whatever the address), for staff pages."""
    return _locked(door, digest(door, "name", normalised(name)), now or timezone.now())


def lift(door: Door, names: list[str], *, actor: str) -> int:
    """Staff lift the lock-outs in force on these names (a patron's card and CPR numbers)."""
    now, lifted = timezone.now(), 0
    for name in names:
        if not name:
            continue
        latest = (
            Lockout.objects.filter(door=door, key=digest(door, "name", normalised(name)))
            .order_by("-id")
            .first()
        )
        if latest is None or latest.until <= now or hasattr(latest, "lift"):
            continue
        # The address locked by the same wrong try goes too: the citizen's own connection.
        same_try = Lockout.objects.filter(
            door=door, kind="address", recorded_at=latest.recorded_at, until__gt=now
        ).filter(lift__isnull=True)
        for lockout in [latest, *same_try]:
            LockoutLift.objects.create(lockout=lockout, actor=actors.check(actor))
        lifted += 1
    return lifted


def locked_text(until: dt.datetime) -> str:
    """The Danish message for a locked sign-in: until when (the local time)."""
    return gettext("Sign-in is locked after too many wrong tries. Try again after %(time)s.") % {
        "time": formats.time_format(timezone.localtime(until), "H:i")
    }
