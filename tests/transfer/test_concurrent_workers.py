"""Two workers at once (on PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED) never send the same
message twice, and keep each account's order."""

import threading
import time
import zlib
from collections import Counter

import pytest
from django.db import connection

from bibdebitor.ledger.services import cancel, write_down
from bibdebitor.protocol.codec import decode_request
from bibdebitor.transfer.models import Delivery, ErrorTask, MessageState, OutboxMessage

from .conftest import adults, claim_for, configure, sender_for, switch_on, unfinished

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def work(sender, errors):
    try:
        deadline = time.monotonic() + 90
        while unfinished() and time.monotonic() < deadline:
            if not sender.run_once().sent:
                time.sleep(0.01)
    except Exception as exc:  # surfaced in the test thread
        errors.append(exc)
    finally:
        connection.close()


def test_two_workers_never_send_a_message_twice_and_keep_order(agency, debtor, proxy):
    configure(agency, debtor)
    switch_on(agency)
    patrons = adults(agency, 30)
    claims = [claim_for(patrons[i % 30], 7000 + i, amount=8_000) for i in range(150)]
    for claim in claims[::3]:
        write_down(claim, 3_000, actor="system:test")
    for claim in claims[::5]:
        cancel(claim, actor="system:test")
    url = proxy.url("/sf1590/DebitorRegistreringAfsend/1")
    senders = [sender_for(url, debtor, batch_size=12) for _ in range(2)]
    errors: list[Exception] = []
    threads = [threading.Thread(target=work, args=(s, errors)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert unfinished() == 0
    sent = Counter()
    for archived in Delivery.objects.values_list("request_gz", flat=True):
        sent.update(decode_request(zlib.decompress(archived)).event_ids())
    expected = set(OutboxMessage.objects.values_list("event_id", flat=True))
    assert set(sent) == expected
    assert max(sent.values()) == 1
    # Out-of-order delivery would make the debtor refuse a write-down before its claim.
    assert not ErrorTask.objects.exists()
    assert OutboxMessage.objects.exclude(state=MessageState.DONE).count() == 0
    if connection.vendor == "postgresql":
        assert Delivery.objects.values("worker").distinct().count() == 2


def test_the_worker_keeps_at_least_one_call_in_flight():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--calls"):
        call_command("worker", "--calls=0")
