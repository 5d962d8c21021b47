"""Fixtures for the service platform's own tests (run with ``--ds=bibdebitor.settings.broker``).

The platform runs in the test process (live server); behind it the reference debtor system
runs as its own process, so "nothing reached the debtor" is read from the debtor's database."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import httpx
import pytest
from django.contrib.auth.models import Permission, User

from bibdebitor.broker import registry
from bibdebitor.broker.models import Agreement, Call, ItSystem, Municipality, Service
from bibdebitor.domain.agreements import AgreementState
from bibdebitor.domain.catalogue import ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET, CatalogueClass
from bibdebitor.domain.classification import AccountType, ClaimType
from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.protocol.codec import CONTENT_TYPE, encode
from bibdebitor.protocol.messages import (
    Account,
    ClassRef,
    CreateAccounts,
    Header,
    NewClaim,
    Party,
    RegistrationRequest,
    SubClaim,
    SystemRef,
)
from bibdebitor.protocol.signing import Identity, make_identity, sign

LIBRARY = make_identity("FBS Cicero")
STRANGER = make_identity("Not registered")
REGISTRATION_PATH = "/sf1590/DebitorRegistreringAfsend/1"


@pytest.fixture(scope="session")
def debtor_server(tmp_path_factory):
    server = DebtorProcess(tmp_path_factory.mktemp("debtor")).start()
    yield server
    server.stop()


def _ref(facet: str, key: str) -> ClassRef:
    return ClassRef(CatalogueClass(facet, key, "").uuid, key)


@dataclass
class Platform:
    """The platform's registry for one municipality whose debtor system is ``debtor``, and a
    library system that signs with ``LIBRARY``."""

    debtor: DebtorProcess
    base_url: str
    administrator: User
    municipality: Municipality
    library: ItSystem
    debtor_system: ItSystem
    claims: int = 0
    http: httpx.Client = field(default_factory=httpx.Client)

    def request_agreement(self, service: Service = Service.REGISTRATION) -> Agreement:
        return registry.request_agreement(self.library, service, self.municipality, "test")

    def approved_agreement(self, service: Service = Service.REGISTRATION) -> Agreement:
        agreement = self.request_agreement(service)
        registry.decide(agreement, AgreementState.APPROVED, self.administrator)
        return agreement

    def registration(
        self,
        amount: int = 12_500,
        *,
        sender: uuid.UUID | None = None,
        receiver: uuid.UUID | None = None,
    ) -> bytes:
        """An unsigned registration of one new claim, addressed as the library would."""
        self.claims += 1
        claim_id = f"799900-{uuid.uuid4().hex[:8]}"
        today = dt.date.today()
        claim = NewClaim(
            uuid.uuid4(),
            claim_id,
            _ref(CLAIM_TYPE_FACET, ClaimType.LATE_FEE),
            amount,
            today,
            today,
            today + dt.timedelta(days=14),
            f"Gebyr {claim_id}",
            (SubClaim(f"{claim_id}-1", amount, "gebyr"),),
        )
        account = Account(
            f"799900-{claim_id}-standard",
            _ref(ACCOUNT_TYPE_FACET, AccountType.STANDARD),
            uuid.uuid4(),
            Party(cpr="1505751007"),
            (claim,),
        )
        organisation = self.debtor.organisation
        header = Header(
            uuid.uuid4(),
            dt.datetime.now(dt.UTC),
            SystemRef(organisation, sender or self.debtor.sender),
            SystemRef(organisation, receiver or self.debtor.instance),
        )
        return encode(RegistrationRequest(header, (CreateAccounts((account,)),)))

    def signed(self, identity: Identity = LIBRARY, **kwargs) -> bytes:
        return sign(self.registration(**kwargs), identity)

    def post(self, body: bytes, path: str = REGISTRATION_PATH) -> httpx.Response:
        return self.http.post(
            f"{self.base_url}{path}", content=body, headers={"Content-Type": CONTENT_TYPE}
        )

    def received_by_debtor(self) -> int:
        return self.debtor.query("SELECT COUNT(*) FROM debtor_inboundtransaction")[0][0]

    def outcomes(self) -> list[str]:
        return list(Call.objects.order_by("id").values_list("outcome", flat=True))


def agreement_administrator(username: str = "aftaler") -> User:
    user = User.objects.create_user(username, password="hemmelig-kode-42", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="broker",
            codename__in=["decide_agreement", "view_agreement", "view_call"],
        )
    )
    return User.objects.get(pk=user.pk)  # fresh: permissions are cached per instance


@pytest.fixture
def platform(transactional_db, live_server, debtor_server) -> Platform:
    municipality = registry.register_municipality(
        "29189129", "Test Kommune", debtor_server.organisation
    )
    library = registry.register_system(debtor_server.sender, "FBS Cicero", LIBRARY.cert_pem)
    debtor_system = registry.register_system(
        debtor_server.instance, "KMD Opus Debitor", make_identity("KMD").cert_pem
    )
    registry.set_route(
        municipality, Service.REGISTRATION, debtor_system, debtor_server.url, debtor_server.token
    )
    with httpx.Client() as http:
        yield Platform(
            debtor_server,
            live_server.url,
            agreement_administrator(),
            municipality,
            library,
            debtor_system,
            http=http,
        )
