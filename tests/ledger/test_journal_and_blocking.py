import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from bibdebitor.common.appendonly import AppendOnlyError
from bibdebitor.domain.claims import EventKind, JournalError, Lifecycle
from bibdebitor.domain.errors import DomainError
from bibdebitor.ledger import services
from bibdebitor.ledger.models import ClaimEvent, PatronBlockEvent
from bibdebitor.ledger.selectors import (
    claim_state,
    claims_with_open_balance,
    patron_is_blocked,
    patron_open_balance,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def new_claim(patron, number, amount_ore, kind="late_fee", **extra):
    return services.create_claim(
        patron,
        claim_number=number,
        kind=kind,
        amount_ore=amount_ore,
        created_on=TODAY - dt.timedelta(days=40),
        due_date=TODAY - dt.timedelta(days=10),
        actor="system:test",
        **extra,
    )


def open_in_sql(claim):
    return claims_with_open_balance(type(claim).objects.filter(pk=claim.pk)).get().open_ore


def test_balance_follows_partial_coverage_write_down_cancel_and_reopen(adult):
    claim = new_claim(adult, 1, 30000)
    services.record_coverage(claim, 10000, actor="system:test", reference="bank-1")
    services.write_down(claim, 5000, actor="system:test")
    assert claim_state(claim).open == open_in_sql(claim) == 15000
    services.cancel(claim, actor="system:test")
    assert claim_state(claim).lifecycle is Lifecycle.CANCELLED
    assert open_in_sql(claim) == 0
    services.reopen(claim, actor="system:test")
    assert claim_state(claim).open == open_in_sql(claim) == 15000
    kinds = list(claim.events.order_by("seq").values_list("seq", "kind"))
    assert kinds == [
        (1, "created"),
        (2, "covered"),
        (3, "written_down"),
        (4, "cancelled"),
        (5, "reopened"),
    ]


def test_a_refused_event_writes_nothing(adult):
    claim = new_claim(adult, 1, 10000)
    with pytest.raises(JournalError):
        services.write_down(claim, 10001, actor="system:test")
    assert claim.events.count() == 1


def test_acknowledgement_only_for_replacement_claims(adult):
    fee = new_claim(adult, 1, 10000)
    with pytest.raises(DomainError) as caught:
        services.acknowledge(fee, reference="kvittering 1", actor="system:test")
    assert caught.value.code == "acknowledgement_kind"
    replacement = new_claim(
        adult, 2, 25000, kind="replacement", acknowledgement_reference="underskrevet erkendelse"
    )
    assert claim_state(replacement).acknowledged


def test_claim_facts_are_checked(adult):
    with pytest.raises(DomainError) as caught:
        services.create_claim(
            adult,
            claim_number=9,
            kind="late_fee",
            amount_ore=100,
            created_on=TODAY,
            due_date=TODAY - dt.timedelta(days=1),
            actor="system:test",
        )
    assert caught.value.code == "due_before_created"


def test_journal_rows_cannot_be_changed_through_the_orm(adult):
    event = new_claim(adult, 1, 10000).events.get()
    event.amount_ore = 1
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        ClaimEvent.objects.filter(pk=event.pk).update(amount_ore=1)
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_journal_rows_cannot_be_changed_in_sql_either(adult):
    event = new_claim(adult, 1, 10000).events.get()
    table = ClaimEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET amount_ore = 1 WHERE id = %s", [event.pk])  # noqa: S608
    assert ClaimEvent.objects.get(pk=event.pk).amount_ore == 10000


def test_block_at_threshold_and_unblock_below(adult):
    first = new_claim(adult, 1, 15000)
    assert not patron_is_blocked(adult)
    new_claim(adult, 2, 5000)  # 200 kr: reaches the default threshold
    assert patron_is_blocked(adult)
    assert patron_open_balance(adult) == 20000
    services.record_coverage(first, 1, actor="system:test")  # one øre below
    assert not patron_is_blocked(adult)
    changes = list(
        PatronBlockEvent.objects.filter(patron=adult).values_list("blocked", "balance_ore")
    )
    assert changes == [(True, 20000), (False, 19999)]


def test_block_threshold_is_per_agency(adult):
    adult.agency.block_threshold_ore = 5000
    adult.agency.save()
    new_claim(adult, 1, 5000)
    assert patron_is_blocked(adult)


def test_unchanged_status_writes_no_block_event(adult):
    new_claim(adult, 1, 25000)
    new_claim(adult, 2, 1000)
    assert PatronBlockEvent.objects.filter(patron=adult).count() == 1


def test_acknowledging_does_not_touch_the_block_journal(adult):
    claim = new_claim(adult, 1, 30000, kind="replacement")
    services.acknowledge(claim, reference="kvittering", actor="system:test")
    assert PatronBlockEvent.objects.filter(patron=adult).count() == 1
    assert claim.events.filter(kind=EventKind.ACKNOWLEDGED).count() == 1
