"""The people the demo's logins belong to, chosen so that each login shows the integration: a
citizen with a claim at the library and one at the municipality (with its letter), and a
guardian who is no borrower, liable for a child's claims."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Max
from django.utils import timezone

from bibdebitor.citizen.fees import Fee, fees_of, overview
from bibdebitor.citizen.patrons import guardian_citizen
from bibdebitor.domain import actors
from bibdebitor.domain.claims import ClaimKind, EventKind
from bibdebitor.ledger.models import Agency, Claim, Guardian, Patron, PatronKind
from bibdebitor.ledger.services import create_claim

ACTOR = actors.system("demo")

CANDIDATES = 300
OLD_FEE_ORE = 45_00
NEW_FEE_ORE = 75_00  # invoiced (50 kr or more) and kept from collection (under 100 kr)
# Who has an open invoice in the debtor system now (its liable party's CPR number).
INVOICED_CPRS = """
    SELECT DISTINCT li.cpr FROM debtor_liability li
    JOIN debtor_document d ON d.account_id = li.account_id AND d.kind = 'invoice'
    JOIN debtor_invoiceline il ON il.invoice_id = d.id
    WHERE li.cpr != ''
      AND li.id = (SELECT max(x.id) FROM debtor_liability x WHERE x.account_id = li.account_id)
      AND (SELECT sum(e.delta_ore) FROM debtor_claimentry e WHERE e.claim_id = il.claim_id) > 0
      AND NOT EXISTS (SELECT 1 FROM debtor_claimentry h
                      WHERE h.claim_id = il.claim_id AND h.kind = 'handed_over')
"""


def at_the_municipality(fee: Fee) -> bool:
    return not fee.payable_at_library and fee.open_ore > 0


def at_the_library(fee: Fee) -> bool:
    return fee.payable_at_library and fee.open_ore > 0


def demo_citizen(agency: Agency, invoiced: set[str]) -> Patron:
    """An adult with an open invoice at the municipality (``invoiced``: CPR numbers) and a
    claim payable at the library. If no one has both, the first with the former gets a late
    fee from before the cut-off date (a librarian recording an old loan), which stays with
    the library."""
    of_age = timezone.localdate() - dt.timedelta(days=18 * 366)
    adults = (
        Patron.objects.filter(agency=agency, kind=PatronKind.PERSON, birth_date__lte=of_age)
        .exclude(cpr="")
        .filter(claims__events__kind=EventKind.ACCEPTED)
        .distinct()
        .order_by("pk")
    )
    candidates = list(adults[:CANDIDATES])
    by_patron: dict[int, list[Fee]] = defaultdict(list)
    for fee in fees_of(candidates):
        by_patron[fee.claim.patron_id].append(fee)
    owing = [
        p
        for p in candidates
        if p.cpr in invoiced and any(map(at_the_municipality, by_patron[p.pk]))
    ]
    for patron in owing:
        if any(map(at_the_library, by_patron[patron.pk])):
            return patron
    chosen = owing[0] if owing else candidates[0]
    _old_fee(chosen)
    return chosen


def _old_fee(patron: Patron) -> Claim:
    created = (patron.agency.cutoff_date or timezone.localdate()) - dt.timedelta(days=20)
    return _late_fee(patron, created, OLD_FEE_ORE)


def new_fee(patron: Patron) -> Claim:
    """A late fee recorded today, after the cut-off: handed over to the debtor system."""
    return _late_fee(patron, timezone.localdate(), NEW_FEE_ORE)


def _late_fee(patron: Patron, created: dt.date, amount_ore: int) -> Claim:
    top = Claim.objects.filter(agency=patron.agency).aggregate(top=Max("claim_number"))["top"]
    return create_claim(
        patron,
        claim_number=(top or 0) + 1,
        kind=ClaimKind.LATE_FEE,
        amount_ore=amount_ore,
        created_on=created,
        due_date=created + dt.timedelta(days=30),
        reason="Gebyr for overskredet lånetid",
        actor=ACTOR,
    )


def demo_guardian(agency: Agency, invoiced: set[str]) -> Guardian | None:
    """A guardian who is no borrower, liable for a child's invoiced claim at the municipality
    (or, if none is, for one at the library)."""
    borrowers = Patron.objects.filter(agency=agency).exclude(cpr="").values("cpr")
    guardians = (
        Guardian.objects.filter(agency=agency, consents__patron__claims__isnull=False)
        .exclude(cpr__in=borrowers)
        .distinct()
        .order_by("pk")
    )
    fallback = None
    for guardian in guardians[:CANDIDATES]:
        seen = overview(guardian_citizen(guardian))
        if seen.off_site and guardian.cpr in invoiced:
            return guardian
        if seen.on_site and fallback is None:
            fallback = guardian
    return fallback
