"""Seed 003, end to end: a borrower without CPR number, with an address, handed over with a
substitute CPR — "samtidigt vil navn og adresse fra FBS bliver sendt med" — to KMD Opus, whose
invoice is addressed to them; to Fujitsu Prisme only where a manual process is agreed ("fejle,
medmindre der samtidigt indføres en manuel proces"), and then into its manual queue."""

from __future__ import annotations

import datetime as dt

import pytest

from bibdebitor.domain.classification import Blocker
from bibdebitor.domain.identifiers import parse_cpr
from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.ledger.selectors import claim_state
from bibdebitor.ledger.services import register_patron
from bibdebitor.sortiment.cutover import preview
from tests.transfer.conftest import CUTOFF, claim_for, configure, drain, sender_for, switch_on

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADDRESS = ("Nørregade 7, 2. th.", "2800", "Kongens Lyngby")
LETTER_ADDRESS = (
    "from bibdebitor.debtor.models import Document; from bibdebitor.debtor.letters import "
    "letter_of; r = letter_of(Document.objects.get(kind='invoice')).recipient; "
    "print(r.street, r.postcode, r.city, sep='|')"
)


@pytest.fixture
def debtor_of(tmp_path):
    started = []

    def start(vendor: str, *setup: str) -> DebtorProcess:
        process = DebtorProcess(tmp_path / vendor, vendor=vendor).start(*setup)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def borrower_without_cpr(agency):
    street, postcode, city = ADDRESS
    return register_patron(
        agency,
        patron_number="S-1",
        kind="person",
        name="Åse Uden-Cpr",
        birth_date=dt.date(1979, 8, 14),
        street=street,
        postcode=postcode,
        city=city,
    )


def set_up(agency, debtor, vendor: str, **settings) -> None:
    configure(agency, debtor)
    agency.debtor_vendor = vendor
    agency.substitute_cpr_enabled = True
    for name, value in settings.items():
        setattr(agency, name, value)
    agency.save()


def test_kmd_opus_invoices_the_substitute_cpr_at_the_address_sent(debtor_of, agency):
    debtor = debtor_of("kmd_opus")
    set_up(agency, debtor, "kmd_opus")
    patron = borrower_without_cpr(agency)
    assert parse_cpr(patron.cpr).is_substitute  # made when the borrower was created
    switch_on(agency)
    claim = claim_for(patron, 1, amount=12_000)
    drain(sender_for(debtor.url, debtor))
    assert claim_state(claim).transfer.value == "accepted"
    (stored,) = debtor.query("SELECT street, postcode, city FROM debtor_liability")
    assert stored == ADDRESS
    debtor.manage("clock", "--advance-days=0")
    printed = debtor.manage("shell", "-c", LETTER_ADDRESS).strip().splitlines()[-1]
    assert printed == "|".join(ADDRESS)


def test_prisme_takes_it_into_its_manual_queue_only_with_the_manual_process(debtor_of, agency):
    debtor = debtor_of("prisme_2015", "--manual-queue")
    set_up(agency, debtor, "prisme_2015")
    patron = borrower_without_cpr(agency)
    claim_for(patron, 1, amount=12_000)
    # Without the manual process the dry run holds the claim back and says why.
    held = preview(agency, CUTOFF)
    assert held.blocked[Blocker.VENDOR_REJECTS_SUBSTITUTE].count == 1
    assert held.moving_total.count == 0

    agency.substitute_manual_process = True
    agency.save()
    going = preview(agency, CUTOFF)
    assert (going.blocked_total.count, going.moving_total.count) == (0, 1)
    switch_on(agency)
    drain(sender_for(debtor.url, debtor))
    (account,) = debtor.query("SELECT manual, reference FROM debtor_account")
    assert account[0] == 1  # in the manual queue: staff handle it, no invoice is sent
    debtor.manage("clock", "--advance-days=5")
    assert debtor.query("SELECT count(*) FROM debtor_document")[0][0] == 0
