"""End to end against the real debtor process over HTTP on localhost, through a fault proxy."""

import zlib

import httpx
import pytest

from bibdebitor.domain.catalogue import CLAIM_TYPE_FACET
from bibdebitor.domain.claims import EventKind
from bibdebitor.ledger.models import ClaimEvent
from bibdebitor.ledger.services import cancel, change_identifier, reopen, write_down
from bibdebitor.protocol.codec import decode_request
from bibdebitor.sortiment.models import SortimentClass
from bibdebitor.sortiment.services import replace_class
from bibdebitor.transfer.models import (
    Delivery,
    DeliveryOutcome,
    ErrorTask,
    MessageState,
    OutboxMessage,
)

from .conftest import adults, claim_for, drain, sender_for

pytestmark = pytest.mark.django_db

PATH = "/sf1590/DebitorRegistreringAfsend/1"


def debtor_claims(debtor, agency):
    return debtor.query(
        "SELECT claim_id, amount_ore FROM debtor_debtorclaim WHERE claim_id LIKE ? ORDER BY id",
        f"{agency.agency_id}-%",
    )


def test_claims_go_in_batches_and_every_call_is_archived(live_agency, debtor, proxy):
    patrons = adults(live_agency, 5)
    for number in range(25):
        claim_for(patrons[number % 5], 1000 + number, amount=1000 + number)
    sender = sender_for(proxy.url(PATH), debtor, batch_size=10)
    results = drain(sender)
    assert [r.sent for r in results] == [10, 10, 5]
    assert len(proxy.bodies) == 3
    received = debtor_claims(debtor, live_agency)
    assert len(received) == 25
    assert {amount for _, amount in received} == {1000 + n for n in range(25)}
    assert ClaimEvent.objects.filter(kind=EventKind.ACCEPTED).count() == 25
    deliveries = list(Delivery.objects.order_by("id"))
    assert [d.outcome for d in deliveries] == [DeliveryOutcome.RECEIPT] * 3
    first = decode_request(zlib.decompress(deliveries[0].request_gz))
    assert len(first.event_ids()) == 10
    assert b"ACCEPTERET" in zlib.decompress(deliveries[0].response_gz)


def test_transient_faults_are_retried_without_double_effect(live_agency, debtor, proxy):
    patrons = adults(live_agency, 4)
    claims = [claim_for(p, 2000 + i) for i, p in enumerate(patrons)]
    proxy.faults.extend(["503", "reset", "lose", "slow"])
    sender = sender_for(proxy.url(PATH), debtor, read_timeout=1.0)
    drain(sender)
    outcomes = list(Delivery.objects.order_by("id").values_list("outcome", "http_status"))
    assert outcomes[:4] == [
        (DeliveryOutcome.TRANSIENT, 503),
        (DeliveryOutcome.TRANSIENT, None),  # connection reset
        (DeliveryOutcome.TRANSIENT, 502),  # applied, but the answer was lost
        (DeliveryOutcome.TRANSIENT, None),  # timed out after the receiver applied it
    ]
    assert outcomes[4] == (DeliveryOutcome.RECEIPT, 200)
    assert len(debtor_claims(debtor, live_agency)) == len(claims)
    assert OutboxMessage.objects.get(claim=claims[0]).attempts == 4
    assert ClaimEvent.objects.filter(kind=EventKind.ACCEPTED).count() == len(claims)


def test_a_resent_transaction_gets_the_same_receipt_and_no_second_effect(
    live_agency, debtor, proxy
):
    patrons = adults(live_agency, 2)
    for i, patron in enumerate(patrons):
        claim_for(patron, 3000 + i)
    drain(sender_for(proxy.url(PATH), debtor))
    delivery = Delivery.objects.get()
    request = zlib.decompress(delivery.request_gz)
    headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "Authorization": f"Bearer {debtor.token}",
    }
    again = httpx.post(debtor.url, content=request, headers=headers)
    assert again.status_code == 200
    assert again.content == zlib.decompress(delivery.response_gz)
    assert len(debtor_claims(debtor, live_agency)) == 2
    replays = debtor.query(
        "SELECT replayed FROM debtor_reception WHERE transaction_id = ? ORDER BY id",
        delivery.transaction_id.hex,
    )
    assert replays == [(0,), (1,)]


def test_a_rejection_becomes_an_error_task_and_flags_the_claim(live_agency, debtor, proxy):
    # KOMBIT publishes a new version of the late-fee class; the debtor's mapping table does not
    # know it yet, so claims made after the change are refused.
    old = SortimentClass.objects.get(
        facet__user_key=CLAIM_TYPE_FACET, user_key="BIB-GEBYR-LAANETID", agency=None
    )
    patron = adults(live_agency, 1)[0]
    before = claim_for(patron, 4000, days_ago=30)
    replace_class(old, title="Biblioteksgebyr, overskredet lånetid (ny)", on=before.created_on)
    after = claim_for(patron, 4001, days_ago=5)
    drain(sender_for(proxy.url(PATH), debtor))
    task = ErrorTask.objects.get()
    assert task.claim == after
    assert task.code == "KLASSE_IKKE_MAPPET"
    assert "omsætningstabel" in task.text
    assert after.events.order_by("-seq").first().kind == EventKind.REJECTED
    assert OutboxMessage.objects.get(claim=after).state == MessageState.REJECTED
    assert before.events.order_by("-seq").first().kind == EventKind.ACCEPTED


def test_changes_to_one_account_arrive_in_order(live_agency, debtor, proxy):
    patrons = adults(live_agency, 3)
    claim = claim_for(patrons[0], 5000, amount=10_000)
    others = [claim_for(p, 5001 + i) for i, p in enumerate(patrons[1:])]
    cancel(claim, actor="system:test")
    reopen(claim, actor="system:test")
    write_down(claim, 2_500, actor="system:test")
    cancel(others[0], actor="system:test")
    proxy.faults.extend(["503", "pass", "lose"])
    drain(sender_for(proxy.url(PATH), debtor, batch_size=2))
    assert not ErrorTask.objects.exists()
    entries = debtor.query(
        "SELECT e.kind, e.amount_ore, e.delta_ore FROM debtor_claimentry e "
        "JOIN debtor_debtorclaim c ON c.id = e.claim_id WHERE c.claim_id = ? ORDER BY e.id",
        f"{live_agency.agency_id}-5000",
    )
    assert entries == [
        ("registered", 10_000, 10_000),
        ("cancelled", 10_000, -10_000),
        ("reopened", 10_000, 10_000),
        ("written_down", 2_500, -2_500),
    ]


def test_a_cpr_change_reaches_the_debtor_account(live_agency, debtor, proxy):
    patron = adults(live_agency, 1)[0]
    claim_for(patron, 6000)
    change_identifier(patron, cpr="0202804321", actor="system:test")
    drain(sender_for(proxy.url(PATH), debtor))
    liabilities = debtor.query(
        "SELECT l.cpr FROM debtor_liability l JOIN debtor_account a ON a.id = l.account_id "
        "WHERE a.reference LIKE ? ORDER BY l.id",
        f"{live_agency.agency_id}-%",
    )
    assert liabilities == [("0101700000",), ("0202804321",)]
