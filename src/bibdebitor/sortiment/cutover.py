"""The cut-over dry run: for a proposed cut-off date, what would move to the debtor system,
what would not and why, and which patrons need data cleansing first. It writes nothing.

Built for a large municipality: one aggregate query over the journal gives each claim's open
balance and state, patrons are classified once, and claims are counted in a single pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from bibdebitor.domain import actors
from bibdebitor.domain.classification import (
    AccountType,
    Blocker,
    ClaimType,
    Cleansing,
    classify,
)
from bibdebitor.domain.identifiers import mask_cpr
from bibdebitor.ledger.models import Agency
from bibdebitor.ledger.selectors import borrowers, claim_facts, policy_for
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


def preview_as_json(result: Preview) -> dict[str, Any]:
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


def preview_from_json(data: dict[str, Any]) -> Preview:
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
        made_by=actors.check(actor),
    )


def latest_dry_run(agency: Agency, cutoff: dt.date) -> DryRun | None:
    return DryRun.objects.filter(agency=agency, cutoff=cutoff).order_by("-id").first()
