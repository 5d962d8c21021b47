"""``common.bulk.insert`` writes what ``bulk_create`` writes: every kind of value the journals
and the outbox hold (texts and enums, numbers, dates, aware times, UUIDs, JSON, foreign keys,
nulls and defaults), read back through the ORM."""

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from bibdebitor.common import bulk
from bibdebitor.common.appendonly import AppendOnlyError
from bibdebitor.domain.claims import EventKind
from bibdebitor.ledger.journal import JournalLine
from bibdebitor.ledger.models import ClaimEvent
from bibdebitor.ledger.services import create_claim
from bibdebitor.transfer.models import DebtorAccount, MessageKind, OutboxMessage

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=dt.UTC)  # the night clocks move
CONTENT = "<Fordring><Beskrivelse>Søren &amp; Co. &lt;ApS&gt;</Beskrivelse></Fordring>"


def _claim(patron, number):
    return create_claim(
        patron,
        claim_number=number,
        kind="late_fee",
        amount_ore=5_000,
        created_on=dt.date(2026, 3, 1),
        due_date=dt.date(2026, 3, 31),
        actor="system:test",
    )


def _events(claim, seq, note):
    return ClaimEvent(
        claim=claim,
        seq=seq,
        kind=EventKind.WRITTEN_DOWN,
        amount_ore=1_250,
        delta_ore=-1_250,
        occurred_at=WHEN,
        actor="staff:anne",
        note=note,
    )


def _read(model, pks_or_filter):
    return [
        {k: v for k, v in model_to_dict(row).items() if k != "id"}
        for row in model.objects.filter(**pks_or_filter).order_by("id")
    ]


def _as_instance(claim):
    bulk.insert([_events(claim, 2, "Ærø & <Æbeltoft>")])


def _as_named_tuple(claim):
    """``insert_tuples``: the fields by position, those the tuple lacks at their defaults."""
    line = JournalLine(
        claim.pk,
        seq=2,
        kind=EventKind.WRITTEN_DOWN,
        occurred_at=WHEN,
        actor="staff:anne",
        amount_ore=1_250,
        delta_ore=-1_250,
        note="Ærø & <Æbeltoft>",
    )
    bulk.insert_tuples(ClaimEvent, [line])


@pytest.mark.parametrize("write", [_as_instance, _as_named_tuple])
def test_journal_rows_read_back_as_bulk_create_wrote_them(adult, write):
    first, second = _claim(adult, 1), _claim(adult, 2)
    ClaimEvent.objects.bulk_create([_events(first, 2, "Ærø & <Æbeltoft>")])
    write(second)
    by_orm, by_insert = (
        _read(ClaimEvent, {"claim": first, "seq": 2}),
        _read(ClaimEvent, {"claim": second, "seq": 2}),
    )
    for row in by_orm + by_insert:
        row.pop("claim")
    assert by_insert == by_orm
    written = ClaimEvent.objects.get(claim=second, seq=2)
    assert written.occurred_at == WHEN
    assert abs(written.recorded_at - timezone.now()) < dt.timedelta(minutes=1)


def test_a_journal_row_written_in_bulk_cannot_be_saved_again(adult):
    claim = _claim(adult, 4)
    row = _events(claim, 2, "")
    bulk.insert([row])
    with pytest.raises(AppendOnlyError):
        row.save()
    assert ClaimEvent.objects.filter(claim=claim).count() == 2


def test_outbox_rows_read_back_as_bulk_create_wrote_them(agency, adult):
    account = DebtorAccount.objects.create(
        agency=agency, patron=adult, account_type="BIB", liable="patron", reference="717300-1"
    )
    claim = _claim(adult, 3)

    def message(event_id):
        return OutboxMessage(
            agency=agency,
            account=account,
            claim=claim if event_id.int % 2 else None,
            kind=MessageKind.CREATE,
            event_id=event_id,
            content=CONTENT,
            available_at=WHEN,
        )

    ids = [uuid.UUID(int=1), uuid.UUID(int=2)]
    OutboxMessage.objects.bulk_create([message(ids[0])])
    rows = [message(ids[1])]
    bulk.insert(rows)
    by_orm, by_insert = (
        _read(OutboxMessage, {"event_id": ids[0]}),
        _read(OutboxMessage, {"event_id": ids[1]}),
    )
    for row in by_orm + by_insert:
        row.pop("event_id"), row.pop("claim")
    assert by_insert == by_orm
    stored = OutboxMessage.objects.get(event_id=ids[1])
    assert stored.created_at is not None
    assert stored.state == "pending"
    assert stored.claim_id is None
    assert rows[0].pk is None  # not read back: the outbox is read afresh by the sender


def test_numbered_rows_get_the_primary_keys_they_were_stored_under(agency, adult):
    """Read back by their natural key (agency, number): the same number at another agency is
    another row."""
    from bibdebitor.ledger.models import Agency, Claim

    other = Agency.objects.create(
        agency_id="799900", name="Anden", cvr="29189129", municipality_code="999"
    )
    _claim(adult, 7)  # agency's own claim 7 exists already
    made = dict(
        patron_id=adult.pk,
        kind="late_fee",
        amount_ore=2_000,
        created_on=dt.date(2026, 3, 1),
        due_date=dt.date(2026, 3, 31),
    )
    rows = [dict(agency_id=other.pk, claim_number=n, **made) for n in (9, 7, 8)]
    pks = bulk.insert_numbered(Claim, rows, ("agency_id", "claim_number"))
    stored = dict(Claim.objects.filter(agency=other).values_list("claim_number", "pk"))
    assert pks == [stored[9], stored[7], stored[8]]
    assert Claim.objects.get(agency=agency, claim_number=7).pk not in stored.values()


def test_rows_given_as_values_read_back_as_bulk_create_wrote_them(agency, adult):
    """``insert_values``: foreign keys by their ``…_id``, the fields left out at their
    defaults, ``auto_now_add`` stamped; the same rows as the ORM's."""
    account = DebtorAccount.objects.create(
        agency=agency, patron=adult, account_type="BIB", liable="patron", reference="717300-2"
    )
    ids = [uuid.UUID(int=3), uuid.UUID(int=4)]
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                agency=agency,
                account=account,
                kind=MessageKind.CREATE,
                event_id=ids[0],
                content=CONTENT,
                available_at=WHEN,
            )
        ]
    )
    values = {
        "agency_id": agency.pk,
        "account_id": account.pk,
        "kind": MessageKind.CREATE,
        "event_id": ids[1],
        "content": CONTENT,
        "available_at": WHEN,
    }
    bulk.insert_values(OutboxMessage, [values])
    by_orm, by_values = (
        _read(OutboxMessage, {"event_id": ids[0]}),
        _read(OutboxMessage, {"event_id": ids[1]}),
    )
    for row in by_orm + by_values:
        row.pop("event_id")
    assert by_values == by_orm
    stored = OutboxMessage.objects.get(event_id=ids[1])
    assert (stored.state, stored.attempts, stored.lease_owner) == ("pending", 0, "")
    assert stored.available_at == WHEN
    assert abs(stored.created_at - timezone.now()) < dt.timedelta(minutes=1)


def test_one_moment_shared_by_many_rows_is_written_for_each(adult):
    """Dates and times are adapted once per distinct value: each row still gets its own."""
    claims = [_claim(adult, n) for n in (11, 12, 13)]
    later = WHEN + dt.timedelta(hours=1)
    rows = [_events(claim, 2, "") for claim in claims]
    rows[1].occurred_at = later
    bulk.insert(rows)
    stored = dict(
        ClaimEvent.objects.filter(seq=2, claim__in=claims).values_list("claim_id", "occurred_at")
    )
    assert stored == {claims[0].pk: WHEN, claims[1].pk: later, claims[2].pk: WHEN}


def test_rows_a_unique_constraint_refuses_are_left_out_when_asked(agency, adult):
    """``ignore_conflicts``: a row made meanwhile by another writer stays as that writer made
    it, the rest are written; without it the conflict is an error."""
    made_first = DebtorAccount.objects.create(
        agency=agency, patron=adult, account_type="BIB", liable="patron", reference="717300-1"
    )
    rows = [
        {**row, "agency_id": agency.pk, "patron_id": adult.pk}
        for row in (
            {"account_type": "BIB", "liable": "guardian", "reference": "717300-1"},
            {"account_type": "BIB-U18", "liable": "patron", "reference": "717300-2"},
        )
    ]
    bulk.insert_values(DebtorAccount, rows, ignore_conflicts=True)
    stored = dict(DebtorAccount.objects.values_list("reference", "liable"))
    assert stored == {"717300-1": "patron", "717300-2": "patron"}
    assert DebtorAccount.objects.get(reference="717300-1").pk == made_first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_values(DebtorAccount, rows[:1])
