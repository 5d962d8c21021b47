"""The data-cleansing report for one agency: every patron with findings, and the counts.

Reading every patron takes about half a second at 100,000 patrons, so the last report per
agency is kept (in Django's cache) and made again only when it may have changed: a patron added, a
CPR or CVR number changed, a consent recorded, the agency's rules changed, or a new day (an
age limit passed). The page, the checklist and the national view all read the kept report."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext_lazy

from bibdebitor.common import clock
from bibdebitor.domain.classification import Policy
from bibdebitor.domain.cleansing import Consent, Finding, PatronRecord, Severity, findings
from bibdebitor.ledger.models import Agency, GuardianConsent, Patron
from bibdebitor.ledger.selectors import patron_records_version, policy_for

SEVERITY_LABELS = {
    Severity.BLOCKING: gettext_lazy("blocking"),
    Severity.WARNING: gettext_lazy("warning"),
    Severity.INFO: gettext_lazy("info"),
}


@dataclass(slots=True)
class CleansingReport:
    """Per patron with findings, its id and the findings (in patron-number order); the page
    fetches only the patrons it shows."""

    rows: list[tuple[int, list[Finding]]] = field(default_factory=list)
    counts: Counter[Finding] = field(default_factory=Counter)

    @property
    def blocking(self) -> int:
        return sum(n for f, n in self.counts.items() if f.severity is Severity.BLOCKING)


# What a finding looks at, read as plain rows: at 100,000 patrons, model instances and a
# prefetch of their consents cost ten times the rules themselves (and the ORM's row
# converters as much again as the query).
RECORD_FIELDS = ("pk", "kind", "name", "cpr", "cvr", "p_number", "gln", "birth_date")


def _consents(agency: Agency) -> dict[int, list[Consent]]:
    by_patron: dict[int, list[Consent]] = defaultdict(list)
    rows = (
        GuardianConsent.objects.filter(patron__agency=agency)
        .order_by("id")
        .values_list("patron_id", "kind", "effective_on", "journal_reference")
    )
    for patron_id, kind, effective_on, reference in rows.iterator(chunk_size=10_000):
        by_patron[patron_id].append(Consent(kind, effective_on, reference))
    return by_patron


def _as_date(value: dt.date | str | None) -> dt.date | None:
    """SQLite hands a raw row's date over as text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


KEPT_SECONDS = 24 * 3600  # a new day makes a new report anyway


def current_report(agency: Agency) -> CleansingReport:
    """The agency's report, made again only if a patron record or the rules changed."""
    policy = policy_for(agency, agency.cutoff_date)
    today = clock.today()
    made_from = (patron_records_version(), policy, today)
    key = f"bibdebitor:cleansing:{agency.pk}"
    kept: tuple[object, CleansingReport] | None = cache.get(key)
    if kept is not None and kept[0] == made_from:
        return kept[1]
    result = report(agency, policy, today)
    cache.set(key, (made_from, result), KEPT_SECONDS)
    return result


def report(agency: Agency, policy: Policy, today: dt.date) -> CleansingReport:
    """Every patron of the agency read and checked now."""
    consents = _consents(agency)
    patrons = Patron.objects.filter(agency=agency).order_by("patron_number")
    sql, params = patrons.values_list(*RECORD_FIELDS).query.sql_with_params()
    result = CleansingReport()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, kind, name, cpr, cvr, p_number, gln, birth_date in cursor.fetchall():
            record = PatronRecord(
                kind,
                name,
                cpr,
                cvr,
                p_number,
                gln,
                _as_date(birth_date),
                tuple(consents.get(pk, ())),
            )
            found = findings(record, policy, today)
            if found:
                result.rows.append((pk, found))
                result.counts.update(found)
    return result


def blocking_findings(agency: Agency) -> int:
    return current_report(agency).blocking
