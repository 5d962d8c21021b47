"""Who did it: the one format of every journal's "by" field, ``<kind>:<name>``.

A staff member by user name (``staff:anne``), a borrower on the citizen page by patron number
(``citizen:1001``), a guardian (økonomisk ansvarlig) by the ledger's id (``guardian:7``), a
file imported by its name (``import:laanere.csv``), an operator at the command line
(``operator:drift``), and the processes themselves by name
(``system:debitorsystem``, ``system:sender-1``, ``system:demo``). The kind tells a reader of a
journal whether a person or a machine acted; the name says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The journals' "by" columns hold this many characters; a longer name is cut, not refused.
MAX_LENGTH = 150


class ActorKind(StrEnum):
    STAFF = "staff"
    CITIZEN = "citizen"
    GUARDIAN = "guardian"
    IMPORT = "import"
    OPERATOR = "operator"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"[:MAX_LENGTH]

    @classmethod
    def parse(cls, value: str) -> Actor:
        kind, separator, name = value.partition(":")
        if not separator or not name or kind not in ActorKind.__members__.values():
            raise ValueError(f"not an actor (<kind>:<name>, kind one of {list(ActorKind)})")
        return cls(ActorKind(kind), name)


def staff(user_name: str) -> str:
    return str(Actor(ActorKind.STAFF, user_name))


def citizen(patron_number: str) -> str:
    return str(Actor(ActorKind.CITIZEN, patron_number))


def guardian(guardian_id: int) -> str:
    return str(Actor(ActorKind.GUARDIAN, str(guardian_id)))


def imported(file_name: str) -> str:
    return str(Actor(ActorKind.IMPORT, file_name))


def operator(name: str) -> str:
    return str(Actor(ActorKind.OPERATOR, name))


def system(process: str) -> str:
    return str(Actor(ActorKind.SYSTEM, process))


def check(value: str) -> str:
    """The value itself, once it is known to be an actor (a journal writer's guard)."""
    Actor.parse(value)
    return value
