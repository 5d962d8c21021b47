"""Fixtures for the debtor system's own tests (run with ``--ds=bibdebitor.settings.debtor``).

Claims arrive the way they do in production: as a DebitorRegistreringAfsend request through
the receiver."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field

import pytest

from bibdebitor.debtor import clock
from bibdebitor.debtor.models import Account, DebtorClaim, Instance, SenderSystem
from bibdebitor.debtor.receiver import receive_registration
from bibdebitor.debtor.setup import map_sortiment, set_default_rules, subscribe
from bibdebitor.domain.catalogue import ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET, CatalogueClass
from bibdebitor.domain.classification import AccountType, ClaimType
from bibdebitor.protocol.codec import decode_receipt
from bibdebitor.protocol.messages import (
    Account as AccountMessage,
)
from bibdebitor.protocol.messages import (
    BusinessReceipt,
    ChangeClaimState,
    ClassRef,
    CreateAccounts,
    Header,
    NewClaim,
    Party,
    RegistrationRequest,
    Service,
    StateAction,
    SubClaim,
    SystemRef,
)

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday
ADULT_CPR = "1505751007"
CHILD_CPR = "0102154002"  # born 2015, passes modulus 11


def class_ref(facet: str, key: str) -> ClassRef:
    return ClassRef(CatalogueClass(facet, key, "").uuid, key)


@dataclass
class Debtor:
    instance: Instance
    sender: SenderSystem
    token: str = ""
    claims: int = 0
    references: dict[str, str] = field(default_factory=dict)

    def register(
        self,
        amount: int = 12_500,
        *,
        cpr: str = ADULT_CPR,
        cvr: str = "",
        claim_type: str = ClaimType.LATE_FEE,
        account_type: str = AccountType.STANDARD,
        patron: str = "1001",
    ) -> BusinessReceipt:
        self.claims += 1
        claim_id = f"799900-{self.claims}"
        today = clock.today()
        claim = NewClaim(
            uuid.uuid4(),
            claim_id,
            class_ref(CLAIM_TYPE_FACET, claim_type),
            amount,
            today,
            today,
            today + dt.timedelta(days=14),
            f"{claim_type} {claim_id}",
            (SubClaim(f"{claim_id}-1", amount, "gebyr"),),
        )
        party = Party(cvr=cvr) if cvr else Party(cpr=cpr)
        account = AccountMessage(
            f"799900-{patron}-{account_type}",
            class_ref(ACCOUNT_TYPE_FACET, account_type),
            uuid.uuid4(),
            party,
            (claim,),
        )
        header = Header(
            uuid.uuid4(),
            clock.now(),
            SystemRef(self.instance.organisation_uuid, self.sender.it_system_uuid),
            SystemRef(self.instance.organisation_uuid, self.instance.instance_uuid),
        )
        request = RegistrationRequest(header, (CreateAccounts((account,)),))
        answer = receive_registration(self.instance, self.sender, request, b"<test/>")
        return decode_receipt(answer, Service.REGISTRATION)

    def change(self, claim_id: str, action: StateAction, **extra) -> BusinessReceipt:
        """Send one RetFordringTilstand for a claim (cancel, write down, reopen)."""
        claim = DebtorClaim.objects.select_related("account").get(claim_id=claim_id)
        change = ChangeClaimState(
            uuid.uuid4(), claim.account.reference, claim_id, action, clock.today(), **extra
        )
        header = Header(
            uuid.uuid4(),
            clock.now(),
            SystemRef(self.instance.organisation_uuid, self.sender.it_system_uuid),
            SystemRef(self.instance.organisation_uuid, self.instance.instance_uuid),
        )
        request = RegistrationRequest(header, (change,))
        answer = receive_registration(self.instance, self.sender, request, b"<test/>")
        return decode_receipt(answer, Service.REGISTRATION)

    def claim(self, number: int) -> DebtorClaim:
        return DebtorClaim.objects.get(claim_id=f"799900-{number}")

    def account(self, patron: str = "1001") -> Account:
        return Account.objects.get(reference=f"799900-{patron}-{AccountType.STANDARD}")


def make_instance(vendor: str = "kmd_opus", **fields) -> Debtor:
    instance = Instance.objects.create(
        name=f"Testkommune {vendor}",
        organisation_uuid=uuid.uuid4(),
        instance_uuid=uuid.uuid4(),
        vendor=vendor,
        **fields,
    )
    token = uuid.uuid4().hex
    sender = SenderSystem.objects.create(
        instance=instance,
        it_system_uuid=uuid.uuid4(),
        token_sha256=hashlib.sha256(token.encode()).hexdigest(),
        name="FBS",
        coverage_url="http://127.0.0.1:9/none",
    )
    subscribe(instance)
    map_sortiment(instance)
    set_default_rules(instance)
    return Debtor(instance, sender, token)


@pytest.fixture
def debtor(db) -> Debtor:
    clock.set_now(START)
    return make_instance()
