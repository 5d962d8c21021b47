"""``__in_ids`` finds what ``__in`` finds, on a key and through a foreign key, for no keys,
for keys that do not exist, and for more keys than SQLite allows placeholders."""

import datetime as dt

import pytest

from bibdebitor.ledger.models import Claim, ClaimEvent
from bibdebitor.ledger.services import create_claim

pytestmark = pytest.mark.django_db


def _claims(patron, count):
    return [
        create_claim(
            patron,
            claim_number=number,
            kind="late_fee",
            amount_ore=1_000 + number,
            created_on=dt.date(2026, 3, 1),
            due_date=dt.date(2026, 3, 31),
            actor="system:test",
        )
        for number in range(1, count + 1)
    ]


@pytest.mark.parametrize("chosen", [[], [0], [0, 2], [0, 1, 2, 3]])
def test_in_ids_finds_what_in_finds(adult, chosen):
    claims = _claims(adult, 4)
    keys = [claims[n].pk for n in chosen] + [10**9]  # one that does not exist
    by_in = sorted(Claim.objects.filter(pk__in=keys).values_list("pk", flat=True))
    by_ids = sorted(Claim.objects.filter(pk__in_ids=keys).values_list("pk", flat=True))
    assert by_ids == by_in == sorted(claims[n].pk for n in chosen)
    through_fk = ClaimEvent.objects.filter(claim_id__in_ids=keys).values_list("claim_id", flat=True)
    assert sorted(through_fk) == by_in  # one opening event each
    joined = ClaimEvent.objects.filter(claim__patron_id__in_ids=[adult.pk])
    assert joined.count() == 4


def test_in_ids_takes_more_keys_than_a_statement_has_placeholders(adult):
    (claim,) = _claims(adult, 1)
    keys = [*range(10**6, 10**6 + 70_000), claim.pk]
    assert list(Claim.objects.filter(pk__in_ids=keys).values_list("pk", flat=True)) == [claim.pk]
