import datetime as dt
import hashlib
import uuid

import pytest
from django.utils import timezone

from bibdebitor.citizen.models import ClientSystem
from bibdebitor.common import clock
from bibdebitor.ledger.models import ClaimMaterial
from bibdebitor.ledger.services import (
    cancel,
    create_claim,
    record_consent,
    record_coverage,
    register_guardian,
    register_patron,
    set_pin,
)
from bibdebitor.sortiment.cutover import preview
from bibdebitor.transfer.activation import activate

CLIENT_ID = "hjemmeside"
CLIENT_SECRET = "hemmelig-klient-1234"
PIN = "2468"
CPR = "1505751007"
CREDITOR = "86836084"


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def client_system(agency):
    return ClientSystem.objects.create(
        agency=agency,
        name="Bibliotekets hjemmeside",
        client_id=CLIENT_ID,
        secret_sha256=hashlib.sha256(CLIENT_SECRET.encode()).hexdigest(),
    )


def claim(patron, number, amount, created, kind="late_fee", reason="", title=""):
    made = create_claim(
        patron,
        claim_number=number,
        kind=kind,
        amount_ore=amount,
        created_on=created,
        due_date=created + dt.timedelta(days=30),
        reason=reason,
        actor="system:test",
    )
    if title:
        ClaimMaterial.objects.create(
            claim=made, item_number=f"5{number:09d}", record_id=f"{number:08d}", title=title
        )
    return made


@pytest.fixture
def citizen(agency, client_system):
    """A borrower with fees on both sides of a cut-off date 10 days ago, and a child whose
    fees the borrower is liable for since before the cut-off."""
    agency.organisation_uuid = uuid.uuid4()
    agency.debtor_instance_uuid = uuid.uuid4()
    agency.sender_instance_uuid = uuid.uuid4()
    agency.org_unit_uuid = uuid.uuid4()
    agency.creditor_number = CREDITOR
    agency.debtor_portal_url = "https://betalingsoverblik.example.dk/"
    agency.save()
    patron = register_patron(agency, patron_number="3001", kind="person", name="Søren Ærø", cpr=CPR)
    set_pin(patron, PIN)
    child = register_patron(
        agency,
        patron_number="3002",
        kind="person",
        name="Ida Ærø",
        cpr="0104164003",
    )
    guardian = register_guardian(agency, cpr=CPR, name="Søren Ærø")
    with clock.at(days_ago(400)):  # recorded that day: a consent is not retroactive
        record_consent(child, guardian, journal_reference="J-1", actor="system:t")
    claims = {
        "old_fee": claim(
            patron, 1, 3_000, days_ago(40), reason="Overskredet lånetid", title="Ronja"
        ),
        "old_paid": claim(patron, 2, 2_000, days_ago(35)),
        "old_cancelled": claim(patron, 3, 1_000, days_ago(30)),
        "day_before": claim(patron, 4, 12_550, days_ago(11), kind="replacement", title="Atlas"),
        "on_cutoff": claim(patron, 5, 5_000, days_ago(10)),
        "new": claim(patron, 6, 20_000, days_ago(2), kind="replacement"),
        "child_old": claim(child, 7, 2_500, days_ago(20)),
        "child_new": claim(child, 8, 4_000, days_ago(1)),
    }
    record_coverage(claims["old_paid"], 2_000, actor="system:test", reference="kasse")
    cancel(claims["old_cancelled"], actor="system:test")
    cutoff = days_ago(10)
    activate(
        agency, cutoff=cutoff, preview_code=preview(agency, cutoff).fingerprint, actor="system:t"
    )
    return patron, claims
