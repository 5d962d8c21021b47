"""Sample messages with Danish characters, shared by the protocol tests."""

import datetime as dt
import uuid

from bibdebitor.protocol.messages import (
    Account,
    BusinessReceipt,
    ChangeClaimState,
    ChangeLiableParty,
    ClassRef,
    CoverageKind,
    CoverageRegistration,
    CoverageRequest,
    CreateAccounts,
    EventReceipt,
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

LIBRARY = SystemRef(uuid.UUID(int=1), uuid.UUID(int=2))
DEBTOR = SystemRef(uuid.UUID(int=1), uuid.UUID(int=3))
AT = dt.datetime(2026, 11, 21, 9, 30, 15, tzinfo=dt.UTC)


def header() -> Header:
    return Header(uuid.uuid4(), AT, LIBRARY, DEBTOR)


def new_claim(claim_id: str = "717300-1", amount: int = 12_550) -> NewClaim:
    return NewClaim(
        event_id=uuid.uuid4(),
        claim_id=claim_id,
        claim_type=ClassRef(uuid.uuid4(), "BIB-GEBYR-LAANETID"),
        amount_ore=amount,
        founded_on=dt.date(2026, 10, 1),
        due_date=dt.date(2026, 10, 31),
        last_timely_payment_date=dt.date(2026, 11, 14),
        description="Gebyr for overskredet lånetid: 2 materialer (Ærøskøbing filial)",
        sub_claims=(SubClaim(f"{claim_id}-1", amount, "Gebyr, overskredet lånetid"),),
    )


def registration() -> RegistrationRequest:
    person = Party(
        cpr="1505751007",
        name="Søren Ærø Åberg",
        street="Østergade 1, 2. th.",
        postcode="2800",
        city="Kongens Lyngby",
    )
    company = Party(
        cvr="29189129", p_number="1003388394", gln="5798000000001", name="Skole Ø", city="Ærø"
    )
    return RegistrationRequest(
        header(),
        (
            CreateAccounts(
                (
                    Account(
                        "717300-1001-BIB-GEBYR-ERSTATNING",
                        ClassRef(uuid.uuid4(), "BIB-GEBYR-ERSTATNING"),
                        uuid.uuid4(),
                        person,
                        (new_claim("717300-1"), new_claim("717300-2", 90_000)),
                    ),
                    Account(
                        "717300-2001-BIB-GEBYR-ERSTATNING",
                        ClassRef(uuid.uuid4(), "BIB-GEBYR-ERSTATNING"),
                        uuid.uuid4(),
                        company,
                        (new_claim("717300-3"),),
                    ),
                )
            ),
            ChangeClaimState(
                uuid.uuid4(),
                "717300-1001-BIB-GEBYR-ERSTATNING",
                "717300-2",
                StateAction.WRITE_DOWN,
                dt.date(2026, 11, 20),
                amount_ore=10_000,
                reason="Delvis fundet på hylden i Æbeltoft",
            ),
            ChangeClaimState(
                uuid.uuid4(),
                "717300-1001-BIB-GEBYR-ERSTATNING",
                "717300-1",
                StateAction.REOPEN,
                dt.date(2026, 11, 20),
            ),
            ChangeLiableParty(
                uuid.uuid4(),
                "717300-1001-BIB-GEBYR-ERSTATNING",
                Party(cpr="0101901234"),
                dt.date(2026, 11, 20),
            ),
        ),
    )


def coverage() -> CoverageRequest:
    return CoverageRequest(
        Header(uuid.uuid4(), AT, DEBTOR, LIBRARY),
        tuple(
            CoverageRegistration(
                uuid.uuid4(),
                "717300-1001-BIB-GEBYR-ERSTATNING",
                kind,
                dt.date(2026, 11, 19),
                claim_id="" if kind is CoverageKind.ACCOUNT_CLOSED else "717300-1",
                amount_ore=None if kind is CoverageKind.ACCOUNT_CLOSED else 5_025,
                text="Indbetalt via Mit Betalingsoverblik – tak",
            )
            for kind in CoverageKind
        ),
    )


def receipt(service: Service = Service.REGISTRATION) -> BusinessReceipt:
    return BusinessReceipt(
        service,
        header().reply(AT),
        (
            EventReceipt(uuid.uuid4(), Outcome.ACCEPTED, claim_id="717300-1"),
            EventReceipt(
                uuid.uuid4(),
                Outcome.REJECTED,
                claim_id="717300-2",
                code="KLASSE_IKKE_MAPPET",
                text="Fordringskravtypen er ikke opsat i omsætningstabellen.",
            ),
        ),
    )
