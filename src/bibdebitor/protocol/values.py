"""The protocol's values read from their text: UUIDs in the canonical form (hyphenated lower
case, as the schema requires and ``str(uuid)`` writes) and sortiment class references. A
hand-over reads several a claim; organisations, systems and classes recur in every message."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from bibdebitor.protocol.messages import ClassRef


def uuid_from_text(
    text: str | None,
    _new: Callable[..., object] = object.__new__,
    _set: Callable[..., None] = object.__setattr__,
    _unknown: uuid.SafeUUID = uuid.SafeUUID.unknown,
) -> uuid.UUID:
    """``uuid.UUID(text)`` for the canonical form, at half the cost: the constructor first
    sorts out five other forms of argument; this sets what it ends by setting."""
    value = _new(uuid.UUID)
    _set(value, "int", int((text or "").replace("-", ""), 16))
    _set(value, "is_safe", _unknown)
    return value  # type: ignore[return-value]


shared_uuid = functools.lru_cache(maxsize=4096)(uuid_from_text)


@functools.lru_cache(maxsize=4096)
def class_ref(class_uuid: str | None, user_key: str | None) -> ClassRef:
    return ClassRef(shared_uuid(class_uuid), user_key or "")
