"""A generated municipality: patrons of every kind, guardians, institutions and a few years
of claims, reproducible from a seed. Used by the demo, the tests and the benchmarks.

Every CPR number it makes passes modulus 11 except where it deliberately makes one that does
not (as the CPR office has issued since 2007); none belongs to a real person's record here.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bibdebitor.domain import actors
from bibdebitor.domain.claims import ClaimKind
from bibdebitor.domain.identifiers import (
    Gender,
    century_digits,
    passes_modulus11,
    substitute_cpr_candidates,
)
from bibdebitor.ledger.journal import write_claim_events
from bibdebitor.ledger.models import (
    Agency,
    Claim,
    ClaimMaterial,
    ConsentKind,
    Guardian,
    GuardianConsent,
    Patron,
    PatronKind,
)
from bibdebitor.ledger.services import opening_events, refresh_block

ACTOR = actors.system("generator")

BATCH_SIZE = 5000
FIRST_NAMES = [
    "Anne",
    "Mette",
    "Sofie",
    "Ida",
    "Emma",
    "Lars",
    "Jens",
    "Peter",
    "Mads",
    "Søren",
    "Ørjan",
    "Åse",
    "Frederik",
    "Karen",
    "Ulla",
    "Noah",
    "Oscar",
    "Freja",
    "Alma",
    "Aksel",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Madsen",
    "Kristensen",
    "Østergaard",
    "Bæk",
]
STREETS = ["Lyngby Hovedgade", "Kongens Vænge", "Søndergade", "Æblehaven", "Bøgevej", "Skolevej"]
TITLES = [
    "Kaptajn Klo og havet",
    "Danmarks fugle",
    "Små søde sager",
    "Ærø rundt",
    "Krimi i Kerteminde",
]
COMPANY_WORDS = [
    "Børnehaven Solsikken",
    "Skovlyskolen",
    "Tømrer Hansen ApS",
    "Biblioteket Øst",
    "Dagplejen Mælkebøtten",
    "Revisionsfirmaet Ærlig",
]


@dataclass(frozen=True, slots=True)
class MunicipalitySize:
    patrons: int = 1000
    claims: int = 3000
    years: int = 3


@dataclass(frozen=True, slots=True)
class Generated:
    patrons: int
    guardians: int
    claims: int


class _Numbers:
    """Unique identifiers of each kind for one generated municipality."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def cpr(self, birth_date: dt.date, *, modulus11: bool = True) -> str:
        digits = century_digits(birth_date.year)
        while True:
            serial = f"{self.rng.choice(digits)}{self.rng.randrange(1000):03d}"
            number = f"{birth_date:%d%m%y}{serial}"
            if passes_modulus11(number) == modulus11 and number not in self.used:
                self.used.add(number)
                return number

    def substitute_cpr(self, birth_date: dt.date) -> str:
        gender = self.rng.choice(list(Gender))
        number = next(
            n for n in substitute_cpr_candidates(birth_date, gender) if n not in self.used
        )
        self.used.add(number)
        return number

    def cvr(self) -> str:
        weights = (2, 7, 6, 5, 4, 3, 2)
        while True:
            base = f"{self.rng.randrange(1, 10)}{self.rng.randrange(10**6):06d}"
            check = (11 - sum(w * int(d) for w, d in zip(weights, base, strict=True)) % 11) % 11
            if check < 10 and (number := f"{base}{check}") not in self.used:
                self.used.add(number)
                return number


def _birth_date(rng: random.Random, today: dt.date, min_age: int, max_age: int) -> dt.date:
    days = rng.randrange(min_age * 365 + 1, max_age * 365 - 1)
    return today - dt.timedelta(days=days)


def _person(rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    street = f"{rng.choice(STREETS)} {rng.randrange(1, 120)}"
    return name, street


def _make_patron(
    agency: Agency, index: int, rng: random.Random, numbers: _Numbers, today: dt.date
) -> tuple[Patron, str | None]:
    """One patron; the second value names its role: None, "minor" or "minor_guardian"."""
    roll = rng.random()
    common = {
        "agency": agency,
        "patron_number": f"{index:010d}",
        "postcode": "2800",
        "city": "Kongens Lyngby",
    }
    if roll < 0.08:
        kind = PatronKind.INSTITUTION if rng.random() < 0.6 else PatronKind.COMPANY
        has_cvr = rng.random() < 0.85
        return Patron(
            kind=kind,
            name=rng.choice(COMPANY_WORDS),
            street=rng.choice(STREETS),
            cvr=numbers.cvr() if has_cvr else "",
            **common,
        ), None
    name, street = _person(rng)
    if roll < 0.30:  # a minor
        birth_date = _birth_date(rng, today, 4, 17)
        cpr = numbers.cpr(birth_date) if rng.random() < 0.95 else ""
        role = "minor_guardian" if rng.random() < 0.6 else "minor"
        return Patron(
            kind=PatronKind.PERSON,
            name=name,
            street=street,
            birth_date=birth_date,
            cpr=cpr,
            **common,
        ), role
    birth_date = _birth_date(rng, today, 18, 90)
    cpr_roll = rng.random()
    if cpr_roll < 0.04:
        cpr = ""
    elif cpr_roll < 0.07:
        cpr = numbers.substitute_cpr(birth_date)
    else:
        cpr = numbers.cpr(birth_date, modulus11=cpr_roll > 0.08)
    return Patron(
        kind=PatronKind.PERSON, name=name, street=street, birth_date=birth_date, cpr=cpr, **common
    ), None


@transaction.atomic
def generate_municipality(
    agency: Agency,
    size: MunicipalitySize = MunicipalitySize(),
    *,
    seed: int = 1,
    today: dt.date | None = None,
) -> Generated:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    numbers = _Numbers(rng)
    numbers.used.update(agency.patrons.exclude(cpr="").values_list("cpr", flat=True))
    start = agency.patrons.count()
    made = [_make_patron(agency, start + i + 1, rng, numbers, today) for i in range(size.patrons)]
    patrons = Patron.objects.bulk_create([p for p, _role in made], batch_size=BATCH_SIZE)
    guardians = _make_guardians(
        agency, [p for p, role in made if role == "minor_guardian"], rng, numbers, today, size
    )
    claims = _make_claims(agency, patrons, rng, today, size)
    refresh_block(patrons)
    return Generated(patrons=len(patrons), guardians=guardians, claims=claims)


def _make_guardians(
    agency: Agency,
    minors: list[Patron],
    rng: random.Random,
    numbers: _Numbers,
    today: dt.date,
    size: MunicipalitySize,
) -> int:
    guardians, consents = [], []
    for minor in minors:
        name, street = _person(rng)
        guardian = Guardian(
            agency=agency,
            cpr=numbers.cpr(_birth_date(rng, today, 25, 60)),
            name=name,
            street=street,
            postcode="2800",
            city="Kongens Lyngby",
        )
        guardians.append(guardian)
        # Some consents came in during the period, so older claims stay without a guardian.
        if minor.birth_date is None:  # _make_patron gives every minor a birth date
            raise ValueError(f"minor {minor.patron_number} without a birth date")
        earliest = max(minor.birth_date, today - dt.timedelta(days=365 * size.years))
        effective_on = earliest + dt.timedelta(days=rng.randrange(max(1, (today - earliest).days)))
        reference = f"ESDH-{rng.randrange(10**6):06d}" if rng.random() < 0.9 else ""
        consents.append(
            GuardianConsent(
                patron=minor,
                guardian=guardian,
                kind=ConsentKind.GIVEN,
                effective_on=effective_on,
                journal_reference=reference,
                recorded_by=ACTOR,
            )
        )
    Guardian.objects.bulk_create(guardians, batch_size=BATCH_SIZE)
    GuardianConsent.objects.bulk_create(consents, batch_size=BATCH_SIZE)
    return len(guardians)


def _make_claims(
    agency: Agency,
    patrons: list[Patron],
    rng: random.Random,
    today: dt.date,
    size: MunicipalitySize,
) -> int:
    next_number = (
        agency.claims.order_by("-claim_number").values_list("claim_number", flat=True).first()
        or 1_000_000
    )
    now = timezone.now()
    for offset in range(0, size.claims, BATCH_SIZE):
        count = min(BATCH_SIZE, size.claims - offset)
        claims, acknowledged = [], []
        for i in range(count):
            kind = ClaimKind.LATE_FEE if rng.random() < 0.7 else ClaimKind.REPLACEMENT
            amount = (
                rng.choice([2000, 3000, 5000, 10000])
                if kind == ClaimKind.LATE_FEE
                else rng.randrange(5000, 60000, 50)
            )
            created_on = today - dt.timedelta(days=rng.randrange(365 * size.years))
            claims.append(
                Claim(
                    agency=agency,
                    patron=rng.choice(patrons),
                    claim_number=next_number + offset + i + 1,
                    kind=kind,
                    amount_ore=amount,
                    created_on=created_on,
                    due_date=created_on + dt.timedelta(days=30),
                    reason="Overskredet lånetid"
                    if kind == ClaimKind.LATE_FEE
                    else "Erstatning for bortkommet materiale",
                )
            )
            acknowledged.append(kind == ClaimKind.REPLACEMENT and rng.random() < 0.4)
        claims = Claim.objects.bulk_create(claims)
        events, materials = [], []
        for claim, ack in zip(claims, acknowledged, strict=True):
            reference = f"Kvittering {claim.claim_number}" if ack else ""
            events += opening_events(
                claim, actor=ACTOR, occurred_at=now, acknowledgement_reference=reference
            )
            materials.append(
                ClaimMaterial(
                    claim=claim,
                    item_number=f"5{rng.randrange(10**9):09d}",
                    record_id=f"{rng.randrange(10**8):08d}",
                    title=rng.choice(TITLES),
                )
            )
        ClaimMaterial.objects.bulk_create(materials)
        write_claim_events(events)
    return size.claims
