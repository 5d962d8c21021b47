"""The data-cleansing report for one agency: every patron with findings, and the counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bibdebitor.domain.cleansing import Consent, Finding, PatronRecord, Severity, findings
from bibdebitor.ledger.models import Agency, GuardianConsent, Patron
from bibdebitor.sortiment.cutover import policy_for

SEVERITY_LABELS = {
    Severity.BLOCKING: gettext_lazy("blocking"),
    Severity.WARNING: gettext_lazy("warning"),
    Severity.INFO: gettext_lazy("info"),
}


@dataclass(slots=True)
class CleansingReport:
    rows: list[tuple[Patron, list[Finding]]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def blocking(self) -> int:
        return sum(n for f, n in self.counts.items() if f.severity is Severity.BLOCKING)


def record_of(patron: Patron) -> PatronRecord:
    return PatronRecord(
        kind=patron.kind,
        name=patron.name,
        cpr=patron.cpr,
        cvr=patron.cvr,
        p_number=patron.p_number,
        gln=patron.gln,
        birth_date=patron.birth_date,
        consents=tuple(
            Consent(c.kind, c.effective_on, c.journal_reference) for c in patron.consents.all()
        ),
    )


def report(agency: Agency) -> CleansingReport:
    policy = policy_for(agency, agency.cutoff_date)
    today = timezone.localdate()
    patrons = (
        Patron.objects.filter(agency=agency)
        .order_by("patron_number")
        .prefetch_related(Prefetch("consents", GuardianConsent.objects.order_by("id")))
    )
    result = CleansingReport()
    for patron in patrons.iterator(chunk_size=2_000):
        found = findings(record_of(patron), policy, today)
        if found:
            result.rows.append((patron, found))
            result.counts.update(found)
    return result
