"""The cut-over dry run: for a proposed cut-off date, what would move to the debtor system,
what would not and why, and which patrons need data cleansing first. It writes nothing.

Built for a large municipality: one aggregate query over the journal gives each claim's open
balance and state, patrons are classified once, and claims are counted in a single pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Max, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from bibdebitor.domain.claims import EventKind
from bibdebitor.domain.classification import (
    AccountType,
    Blocker,
    Borrower,
    ClaimFacts,
    ClaimType,
    Cleansing,
    Policy,
    classify,
    guardianships,
)
from bibdebitor.domain.identifiers import mask_cpr
from bibdebitor.ledger.models import Agency, Claim, GuardianConsent
from bibdebitor.sortiment.models import DryRun

IDENTIFIER_BLOCKERS = frozenset(
    {
        Blocker.NO_IDENTIFIER,
        Blocker.COMPANY_WITHOUT_CVR,
        Blocker.SUBSTITUTE_CPR_OFF,
        Blocker.VENDOR_REJECTS_SUBSTITUTE,
        Blocker.VENDOR_REJECTS_NO_MODULUS11,
    }
)
CHUNK = 20_000


@dataclass(slots=True)
class Tally:
    count: int = 0
    amount_ore: int = 0

    def add(self, amount_ore: int) -> None:
        self.count += 1
        self.amount_ore += amount_ore


@dataclass(slots=True)
class PatronFinding:
    patron_number: str
    name: str
    masked_id: str
    needs: set[Cleansing] = field(default_factory=set)
    blockers: set[Blocker] = field(default_factory=set)
    claims: Tally = field(default_factory=Tally)


@dataclass(slots=True)
class Preview:
    agency_id: str
    cutoff: dt.date
    made_at: dt.datetime
    moving: dict[tuple[AccountType, ClaimType], Tally]
    blocked: dict[Blocker, Tally]  # a claim with two reasons counts under both
    blocked_total: Tally
    substitutes_to_make: Tally
    findings: list[PatronFinding]

    @property
    def fingerprint(self) -> str:
        """A short code for what this dry run showed. Switching the integration on asks for
        it, so that what is handed over is what staff saw."""
        parts = [self.agency_id, self.cutoff.isoformat()]
        parts += [f"{a}/{c}={t.count}/{t.amount_ore}" for (a, c), t in sorted(self.moving.items())]
        parts.append(f"blocked={self.blocked_total.count}/{self.blocked_total.amount_ore}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:10].upper()

    @property
    def moving_total(self) -> Tally:
        total = Tally()
        for tally in self.moving.values():
            total.count += tally.count
            total.amount_ore += tally.amount_ore
        return total


def policy_for(agency: Agency, cutoff: dt.date | None) -> Policy:
    return Policy(
        cutoff_date=cutoff,
        substitute_cpr_enabled=agency.substitute_cpr_enabled,
        vendor=agency.debtor_vendor,
        adult_age=agency.adult_age,
        substitute_manual_process=agency.substitute_manual_process,
        modulus11_required=agency.modulus11_required,
    )


def borrowers(
    agency: Agency, patron_ids: Collection[int] | None = None
) -> dict[int, tuple[Borrower, str, str]]:
    """The agency's patrons (all, or these) as classification sees them, with number and name."""
    consents: dict[int, list[tuple[str, dt.date, str]]] = defaultdict(list)
    rows = GuardianConsent.objects.filter(patron__agency=agency).order_by("id")
    patrons = agency.patrons.all()
    if patron_ids is not None:
        rows = rows.filter(patron_id__in=patron_ids)
        patrons = patrons.filter(pk__in=patron_ids)
    for patron_id, kind, effective_on, cpr in rows.values_list(
        "patron_id", "kind", "effective_on", "guardian__cpr"
    ):
        consents[patron_id].append((kind, effective_on, cpr))
    result = {}
    for pk, number, name, kind, cpr, cvr, birth_date in patrons.values_list(
        "pk", "patron_number", "name", "kind", "cpr", "cvr", "birth_date"
    ).iterator(chunk_size=CHUNK):
        borrower = Borrower(kind, cpr, cvr, birth_date, guardianships(consents.get(pk, [])))
        result[pk] = (borrower, number, name)
    return result


def _latest(kinds: tuple[EventKind, ...]) -> Max:
    """The sequence number of the claim's latest event of these kinds (0: none)."""
    return Max(
        Case(
            When(events__kind__in=[k.value for k in kinds], then="events__seq"),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def claim_facts(
    agency: Agency, claim_ids: Collection[int] | None = None
) -> Iterator[tuple[int, int, ClaimFacts]]:
    """``(claim id, patron id, facts)`` for the agency's claims (all, or these), derived from
    the journal in one aggregate query."""
    claims = Claim.objects.filter(agency=agency)
    if claim_ids is not None:
        claims = claims.filter(pk__in=claim_ids)
    rows = (
        claims.values("pk")
        .annotate(
            open_ore=Coalesce(Sum("events__delta_ore"), 0),
            acknowledged=_latest((EventKind.ACKNOWLEDGED,)),
            sent=_latest((EventKind.QUEUED, EventKind.TRANSFERRED, EventKind.ACCEPTED)),
            rejected=_latest((EventKind.REJECTED,)),
            cancelled=_latest((EventKind.CANCELLED,)),
            reopened=_latest((EventKind.REOPENED,)),
        )
        .values_list(
            "pk",
            "patron_id",
            "kind",
            "created_on",
            "open_ore",
            "acknowledged",
            "sent",
            "rejected",
            "cancelled",
            "reopened",
        )
        .order_by()
    )
    for (
        claim_id,
        patron_id,
        kind,
        created_on,
        open_ore,
        ack,
        sent,
        rejected,
        cancelled,
        reopened,
    ) in rows.iterator(chunk_size=CHUNK):
        yield (
            claim_id,
            patron_id,
            ClaimFacts(
                kind=kind,
                created_on=created_on,
                acknowledged=ack > 0,
                open_ore=open_ore,
                cancelled=cancelled > reopened,
                transferred=sent > rejected,
            ),
        )


def preview(agency: Agency, cutoff: dt.date) -> Preview:
    policy = policy_for(agency, cutoff)
    patrons = borrowers(agency)
    moving: dict[tuple[AccountType, ClaimType], Tally] = {
        (a, c): Tally() for a in AccountType for c in ClaimType
    }
    blocked: dict[Blocker, Tally] = {b: Tally() for b in Blocker}
    blocked_total, substitutes = Tally(), Tally()
    findings: dict[int, PatronFinding] = {}
    for _claim_id, patron_id, facts in claim_facts(agency):
        borrower, number, name = patrons[patron_id]
        result = classify(borrower, facts, policy)
        if result.transferable:
            moving[(result.account_type, result.claim_type)].add(facts.open_ore)
            if Cleansing.SUBSTITUTE_WILL_BE_MADE in result.cleansing:
                substitutes.add(facts.open_ore)
            continue
        blocked_total.add(facts.open_ore)
        for blocker in result.blockers:
            blocked[blocker].add(facts.open_ore)
        if set(result.blockers) <= IDENTIFIER_BLOCKERS:
            # Only the patron's data stands in the way: worth cleansing before cut-over.
            finding = findings.get(patron_id)
            if finding is None:
                masked = mask_cpr(borrower.cpr) if borrower.cpr else borrower.cvr
                finding = findings[patron_id] = PatronFinding(number, name, masked)
            finding.needs.update(result.cleansing)
            finding.blockers.update(result.blockers)
            finding.claims.add(facts.open_ore)
    return Preview(
        agency_id=agency.agency_id,
        cutoff=cutoff,
        made_at=timezone.now(),
        moving=moving,
        blocked=blocked,
        blocked_total=blocked_total,
        substitutes_to_make=substitutes,
        findings=sorted(findings.values(), key=lambda f: f.patron_number),
    )


def preview_as_json(result: Preview) -> dict:
    """A dry run as plain JSON, to be stored (``DryRun``) and read back by ``preview_from_json``."""
    return {
        "agency_id": result.agency_id,
        "cutoff": result.cutoff.isoformat(),
        "made_at": result.made_at.isoformat(),
        "moving": [[a, c, t.count, t.amount_ore] for (a, c), t in result.moving.items()],
        "blocked": [[b, t.count, t.amount_ore] for b, t in result.blocked.items()],
        "blocked_total": [result.blocked_total.count, result.blocked_total.amount_ore],
        "substitutes": [result.substitutes_to_make.count, result.substitutes_to_make.amount_ore],
        "findings": [
            [
                f.patron_number,
                f.name,
                f.masked_id,
                sorted(f.needs),
                sorted(f.blockers),
                f.claims.count,
                f.claims.amount_ore,
            ]
            for f in result.findings
        ],
    }


def preview_from_json(data: dict) -> Preview:
    return Preview(
        agency_id=data["agency_id"],
        cutoff=dt.date.fromisoformat(data["cutoff"]),
        made_at=dt.datetime.fromisoformat(data["made_at"]),
        moving={(AccountType(a), ClaimType(c)): Tally(n, ore) for a, c, n, ore in data["moving"]},
        blocked={Blocker(b): Tally(n, ore) for b, n, ore in data["blocked"]},
        blocked_total=Tally(*data["blocked_total"]),
        substitutes_to_make=Tally(*data["substitutes"]),
        findings=[
            PatronFinding(
                number,
                name,
                masked,
                {Cleansing(n) for n in needs},
                {Blocker(b) for b in blockers},
                Tally(count, ore),
            )
            for number, name, masked, needs, blockers, count, ore in data["findings"]
        ],
    )


def store_dry_run(agency: Agency, cutoff: dt.date, *, actor: str) -> DryRun:
    """Run the dry run now and keep it, as it was, for staff to read and export."""
    result = preview(agency, cutoff)
    return DryRun.objects.create(
        agency=agency,
        cutoff=cutoff,
        code=result.fingerprint,
        result=preview_as_json(result),
        made_by=actor,
    )


def latest_dry_run(agency: Agency, cutoff: dt.date) -> DryRun | None:
    return DryRun.objects.filter(agency=agency, cutoff=cutoff).order_by("-id").first()
