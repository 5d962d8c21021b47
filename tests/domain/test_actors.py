"""One actor format for every journal: ``<kind>:<name>``."""

import pytest

from bibdebitor.domain import actors
from bibdebitor.domain.actors import Actor, ActorKind


def test_each_kind_formats_and_parses_back():
    made = {
        actors.staff("anne"): (ActorKind.STAFF, "anne"),
        actors.citizen("1001"): (ActorKind.CITIZEN, "1001"),
        actors.guardian(7): (ActorKind.GUARDIAN, "7"),
        actors.imported("laanere.csv"): (ActorKind.IMPORT, "laanere.csv"),
        actors.operator("drift"): (ActorKind.OPERATOR, "drift"),
        actors.system("sender:1"): (ActorKind.SYSTEM, "sender:1"),
    }
    assert list(made) == [
        "staff:anne",
        "citizen:1001",
        "guardian:7",
        "import:laanere.csv",
        "operator:drift",
        "system:sender:1",
    ]
    for value, (kind, name) in made.items():
        assert Actor.parse(value) == Actor(kind, name)


@pytest.mark.parametrize("value", ["anne", "", "staff:", ":anne", "borger:1001", "Staff:anne"])
def test_anything_else_is_refused(value):
    with pytest.raises(ValueError, match="not an actor"):
        actors.check(value)


def test_a_long_name_is_cut_to_the_journal_column():
    assert len(actors.staff("x" * 400)) == actors.MAX_LENGTH
