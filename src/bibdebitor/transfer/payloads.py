"""An outbox message's content as JSON, and back to the protocol's typed objects.

The content is fixed when the message is enqueued (what the debtor must learn at that moment);
the batch and the transaction header are made when it is sent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import fields, is_dataclass
from enum import Enum
from functools import cache
from typing import Any

from bibdebitor.protocol.messages import (
    Account,
    ChangeClaimState,
    ChangeLiableParty,
    ClassRef,
    NewClaim,
    Party,
    StateAction,
    SubClaim,
)
from bibdebitor.protocol.values import class_ref, shared_uuid, uuid_from_text

_AS_IS = frozenset({str, int, bool, type(None)})
_AS_TEXT = frozenset({uuid.UUID, dt.date})


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The dataclass's field names (None: not a dataclass)."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None


def dump(value: Any) -> Any:
    """A dataclass as JSON-safe data (UUIDs, dates and enums become strings). Hand-rolled,
    dispatching on the exact type first, because ``dataclasses.asdict`` plus a JSON round trip
    was a third of enqueueing time (and a chain of ``isinstance`` tests, half as much again)."""
    cls: type = type(value)
    if cls in _AS_IS:
        return value
    if cls in _AS_TEXT:
        return str(value)
    names = _field_names(cls)
    if names is not None:
        data = {}
        for name in names:  # most fields are plain: no call for them
            item = getattr(value, name)
            data[name] = item if type(item) in _AS_IS else dump(item)
        return data
    if cls is tuple or cls is list:
        return [dump(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID | dt.date):
        return str(value)
    return value


def _class_ref(data: dict[str, Any]) -> ClassRef:
    return class_ref(data["uuid"], data["user_key"])


def party(data: dict[str, Any]) -> Party:
    return Party(**data)


def account_without_claims(data: dict[str, Any]) -> Account:
    return Account(
        reference=data["reference"],
        account_type=_class_ref(data["account_type"]),
        org_unit=shared_uuid(data["org_unit"]),
        liable=party(data["liable"]),
        claims=(),
    )


def new_claim(data: dict[str, Any]) -> NewClaim:
    return NewClaim(
        event_id=uuid_from_text(data["event_id"]),
        claim_id=data["claim_id"],
        claim_type=_class_ref(data["claim_type"]),
        amount_ore=data["amount_ore"],
        founded_on=dt.date.fromisoformat(data["founded_on"]),
        due_date=dt.date.fromisoformat(data["due_date"]),
        last_timely_payment_date=dt.date.fromisoformat(data["last_timely_payment_date"]),
        description=data["description"],
        sub_claims=tuple(SubClaim(**sub) for sub in data["sub_claims"]),
    )


def change_claim_state(data: dict[str, Any]) -> ChangeClaimState:
    return ChangeClaimState(
        event_id=uuid_from_text(data["event_id"]),
        account_reference=data["account_reference"],
        claim_id=data["claim_id"],
        action=StateAction(data["action"]),
        effective_on=dt.date.fromisoformat(data["effective_on"]),
        amount_ore=data["amount_ore"],
        reason=data["reason"],
    )


def change_liable_party(data: dict[str, Any]) -> ChangeLiableParty:
    return ChangeLiableParty(
        event_id=uuid_from_text(data["event_id"]),
        account_reference=data["account_reference"],
        liable=party(data["liable"]),
        effective_on=dt.date.fromisoformat(data["effective_on"]),
    )
