"""One request may register a claim and change it: the receiver writes new accounts and
claims as plain rows and still finds them for the operations after."""

import datetime as dt
import uuid

from bibdebitor.debtor import clock
from bibdebitor.debtor.models import DebtorClaim, Liability
from bibdebitor.debtor.receiver import receive_registration
from bibdebitor.domain.catalogue import ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET
from bibdebitor.domain.classification import AccountType, ClaimType
from bibdebitor.protocol.codec import decode_receipt
from bibdebitor.protocol.messages import (
    Account,
    ChangeClaimState,
    ChangeLiableParty,
    CreateAccounts,
    Header,
    NewClaim,
    Outcome,
    Party,
    RegistrationRequest,
    Service,
    StateAction,
    SubClaim,
    SystemRef,
)

from .conftest import ADULT_CPR, class_ref


def _claim(claim_id: str, amount: int) -> NewClaim:
    today = clock.today()
    return NewClaim(
        uuid.uuid4(),
        claim_id,
        class_ref(CLAIM_TYPE_FACET, ClaimType.LATE_FEE),
        amount,
        today,
        today,
        today + dt.timedelta(days=14),
        "Gebyr",
        (SubClaim(f"{claim_id}-1", amount, "gebyr"),),
    )


def test_a_claim_registered_and_changed_in_one_request(debtor):
    reference = f"799900-1001-{AccountType.STANDARD}"
    account = Account(
        reference,
        class_ref(ACCOUNT_TYPE_FACET, AccountType.STANDARD),
        uuid.uuid4(),
        Party(cpr=ADULT_CPR),
        (_claim("799900-1", 12_500), _claim("799900-2", 4_000)),
    )
    today = clock.today()
    operations = (
        CreateAccounts((account,)),
        ChangeClaimState(uuid.uuid4(), reference, "799900-1", StateAction.WRITE_DOWN, today, 2_500),
        ChangeLiableParty(uuid.uuid4(), reference, Party(cpr="0102154002"), today),
        CreateAccounts((Account(*_fields(account), (_claim("799900-2", 4_000),)),)),
    )
    header = Header(
        uuid.uuid4(),
        clock.now(),
        SystemRef(debtor.instance.organisation_uuid, debtor.sender.it_system_uuid),
        SystemRef(debtor.instance.organisation_uuid, debtor.instance.instance_uuid),
    )
    answer = receive_registration(
        debtor.instance, debtor.sender, RegistrationRequest(header, operations), b"<test/>"
    )
    lines = decode_receipt(answer, Service.REGISTRATION).lines
    assert [line.outcome for line in lines] == [Outcome.ACCEPTED] * 5
    claims = DebtorClaim.objects.filter(account__reference=reference).order_by("claim_id")
    assert [(c.claim_id, c.amount_ore) for c in claims] == [
        ("799900-1", 12_500),
        ("799900-2", 4_000),
    ]
    written_down = claims[0].entries.order_by("id").values_list("kind", "delta_ore")
    assert [delta for _kind, delta in written_down] == [12_500, -2_500]
    parties = Liability.objects.filter(account__reference=reference).order_by("id")
    assert [p.cpr for p in parties] == [ADULT_CPR, "0102154002"]


def _fields(account: Account) -> tuple:
    return account.reference, account.account_type, account.org_unit, account.liable
