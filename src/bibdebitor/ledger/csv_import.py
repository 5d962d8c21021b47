"""Import of patrons and claims from CSV files. All or nothing: every row is checked first,
and a file with any error is rejected whole with a report of every bad line.

The column format is documented in ``docs/import.md``. Files are UTF-8 (a BOM is fine), with
``;`` or ``,`` between columns (whichever the header uses), amounts in kroner with a decimal
comma, and dates as ``DD-MM-YYYY`` or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext

from bibdebitor.common import clock
from bibdebitor.domain import actors
from bibdebitor.domain.claims import ClaimKind, check_claim_facts
from bibdebitor.domain.dates import parse_date
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.domain.money import parse_claim_amount
from bibdebitor.domain.patrons import (
    Kind,
    PatronInput,
    check_consent,
    check_guardian_cpr,
    check_journal_reference,
    check_patron,
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
)
from bibdebitor.ledger.services import opening_events, refresh_block

BATCH_SIZE = 2000

PATRON_COLUMNS = {
    "required": ("patron_number", "kind", "name"),
    "optional": (
        "cpr",
        "cvr",
        "p_number",
        "gln",
        "birth_date",
        "street",
        "postcode",
        "city",
        "guardian_cpr",
        "guardian_name",
        "consent_date",
        "consent_reference",
    ),
}
CLAIM_COLUMNS = {
    "required": ("claim_number", "patron_number", "kind", "amount", "created_on", "due_date"),
    "optional": ("reason", "acknowledgement_reference", "item_number", "record_id", "title"),
}
PATRON_KINDS = {
    "person": Kind.PERSON,
    "virksomhed": Kind.COMPANY,
    "firma": Kind.COMPANY,
    "company": Kind.COMPANY,
    "institution": Kind.INSTITUTION,
}
CLAIM_KINDS = {
    "gebyr": ClaimKind.LATE_FEE,
    "late_fee": ClaimKind.LATE_FEE,
    "erstatning": ClaimKind.REPLACEMENT,
    "replacement": ClaimKind.REPLACEMENT,
}

_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    code: str
    message: str  # translated, never containing the value of an identifier

    def __str__(self) -> str:
        where = gettext("line %(line)d") % {"line": self.line}
        if self.column:
            where += ", " + gettext("column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass(slots=True)
class _Rows:
    """The rows of a file with their line numbers, and the errors found so far."""

    rows: list[tuple[int, dict[str, str]]]
    errors: list[RowError] = field(default_factory=list)

    def fail(self, line: int, column: str, error: DomainError) -> None:
        self.errors.append(RowError(line, column, error.code, gettext(error.message)))

    def raise_if_failed(self) -> None:
        if self.errors:
            raise ImportRejected(self.errors)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRejected(
            [RowError(line, "", "encoding", gettext("The file is not UTF-8 encoded."))]
        ) from None


def read_csv(data: bytes, columns: dict[str, tuple[str, ...]]) -> _Rows:
    text = _decode(data)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    _check_header(header, columns)
    rows = _Rows(rows=[])
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            rows.fail(
                line,
                "",
                DomainError(
                    "columns",
                    gettext_noop(
                        "The line does not have the same number of columns as the header."
                    ),
                ),
            )
            continue
        rows.rows.append((line, {k: v.strip() for k, v in zip(header, values, strict=True)}))
    return rows


def _check_header(header: list[str], columns: dict[str, tuple[str, ...]]) -> None:
    known = set(columns["required"]) | set(columns["optional"])
    errors = [
        RowError(1, name, "unknown_column", gettext("Unknown column."))
        for name in header
        if name not in known
    ]
    errors += [
        RowError(1, name, "missing_column", gettext("A required column is missing."))
        for name in columns["required"]
        if name not in header
    ]
    errors += [
        RowError(1, name, "duplicate_column", gettext("The column appears twice."))
        for name in set(header)
        if header.count(name) > 1
    ]
    if errors:
        raise ImportRejected(errors)


def _field(rows: _Rows, line: int, column: str, parse: Callable[[str], Any], value: str) -> Any:
    """Parse one cell; on failure record the error and return None."""
    try:
        return parse(value)
    except DomainError as error:
        rows.fail(line, column, error)
        return None


def _required(rows: _Rows, line: int, row: dict[str, str], *names: str) -> bool:
    missing = [name for name in names if not row.get(name)]
    for name in missing:
        rows.fail(line, name, DomainError("required", gettext_noop("The field must be filled in.")))
    return not missing


def _unique(rows: _Rows, seen: set[_V], line: int, column: str, value: _V, exists: bool) -> None:
    if value in seen or exists:
        rows.fail(
            line,
            column,
            DomainError(
                "duplicate",
                gettext_noop("The value is already used (in this file or in the ledger)."),
            ),
        )
    seen.add(value)


def _choice(choices: dict[str, Any]) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        try:
            return choices[value.lower()]
        except KeyError:
            raise DomainError(
                "choice", gettext_noop("The value is not one of the allowed ones.")
            ) from None

    return parse


def _optional_date(value: str) -> dt.date | None:
    return parse_date(value) if value else None


# --- patrons ---------------------------------------------------------------------------


@dataclass(slots=True)
class _PatronRow:
    patron: Patron
    guardian_cpr: str = ""
    guardian_name: str = ""
    consent_date: dt.date | None = None
    consent_reference: str = ""

    @property
    def consent_on(self) -> dt.date:
        """The consent's date: a row that names a guardian has one (_check_guardian_columns)."""
        if self.consent_date is None:
            raise ValueError(f"patron {self.patron.patron_number}: a guardian without consent date")
        return self.consent_date


def import_patrons(agency: Agency, data: bytes, *, actor: str) -> int:
    rows = read_csv(data, PATRON_COLUMNS)
    today = clock.today()
    parsed = list(_check_patron_rows(agency, rows, today))
    rows.raise_if_failed()
    _write_patrons(agency, parsed, actor)
    return len(parsed)


def _check_patron_rows(agency: Agency, rows: _Rows, today: dt.date) -> Iterator[_PatronRow]:
    existing_numbers = set(agency.patrons.values_list("patron_number", flat=True))
    existing_cprs = set(agency.patrons.exclude(cpr="").values_list("cpr", flat=True))
    numbers: set[str] = set()
    cprs: set[str] = set()
    for line, row in rows.rows:
        if not _required(rows, line, row, *PATRON_COLUMNS["required"]):
            continue
        number = row["patron_number"]
        _unique(rows, numbers, line, "patron_number", number, number in existing_numbers)
        kind = _field(rows, line, "kind", _choice(PATRON_KINDS), row["kind"])
        birth_date = _field(rows, line, "birth_date", _optional_date, row.get("birth_date", ""))
        if kind is None:
            continue
        check = check_patron(
            PatronInput(
                kind,
                row.get("cpr", ""),
                row.get("cvr", ""),
                row.get("p_number", ""),
                row.get("gln", ""),
                birth_date,
            ),
            today=today,
        )
        for column, error in check.errors.items():
            rows.fail(line, column, error)
        if check.cpr:
            _unique(rows, cprs, line, "cpr", check.cpr, check.cpr in existing_cprs)
        patron = Patron(
            agency=agency,
            patron_number=number,
            kind=kind,
            name=row["name"],
            cpr=check.cpr,
            cvr=check.cvr,
            p_number=check.p_number,
            gln=check.gln,
            birth_date=check.birth_date,
            street=row.get("street", ""),
            postcode=row.get("postcode", ""),
            city=row.get("city", ""),
        )
        yield _check_guardian_columns(agency, rows, line, row, patron, today)


def _check_guardian_columns(
    agency: Agency, rows: _Rows, line: int, row: dict[str, str], patron: Patron, today: dt.date
) -> _PatronRow:
    result = _PatronRow(patron)
    if not row.get("guardian_cpr"):
        return result
    if not _required(rows, line, row, "guardian_name", "consent_date"):
        return result
    consent_date = _field(rows, line, "consent_date", parse_date, row["consent_date"])
    if consent_date is None:
        return result
    guardian_cpr = _field(
        rows,
        line,
        "guardian_cpr",
        lambda v: check_guardian_cpr(v, on=consent_date, adult_age=agency.adult_age),
        row["guardian_cpr"],
    )
    _field(
        rows,
        line,
        "consent_date",
        lambda _v: check_consent(
            patron_kind=patron.kind,
            birth_date=patron.birth_date,
            effective_on=consent_date,
            today=today,
            adult_age=agency.adult_age,
            history=True,  # recorded in the library system on that day
        ),
        row["consent_date"],
    )
    _field(
        rows, line, "consent_reference", check_journal_reference, row.get("consent_reference", "")
    )
    result.guardian_cpr = guardian_cpr or ""
    result.guardian_name = row["guardian_name"]
    result.consent_date = consent_date
    result.consent_reference = row.get("consent_reference", "")
    return result


@transaction.atomic
def _write_patrons(agency: Agency, parsed: list[_PatronRow], actor: str) -> None:
    patrons = Patron.objects.bulk_create([r.patron for r in parsed], batch_size=BATCH_SIZE)
    with_guardian = [r for r in parsed if r.guardian_cpr]
    if not with_guardian:
        return
    guardians = {g.cpr: g for g in Guardian.objects.filter(agency=agency)}
    new = {}
    for r in with_guardian:
        if r.guardian_cpr not in guardians and r.guardian_cpr not in new:
            new[r.guardian_cpr] = Guardian(agency=agency, cpr=r.guardian_cpr, name=r.guardian_name)
    Guardian.objects.bulk_create(new.values(), batch_size=BATCH_SIZE)
    guardians.update(new)
    by_number = {p.patron_number: p for p in patrons}
    GuardianConsent.objects.bulk_create(
        (
            GuardianConsent(
                patron=by_number[r.patron.patron_number],
                guardian=guardians[r.guardian_cpr],
                kind=ConsentKind.GIVEN,
                effective_on=r.consent_on,
                journal_reference=r.consent_reference,
                recorded_by=actors.check(actor),
            )
            for r in with_guardian
        ),
        batch_size=BATCH_SIZE,
    )


# --- claims ------------------------------------------------------------------------------


@dataclass(slots=True)
class _ClaimRow:
    claim: Claim
    acknowledgement_reference: str
    material: ClaimMaterial | None


def import_claims(agency: Agency, data: bytes, *, actor: str) -> int:
    rows = read_csv(data, CLAIM_COLUMNS)
    parsed = list(_check_claim_rows(agency, rows, clock.today()))
    rows.raise_if_failed()
    _write_claims(parsed, actor)
    return len(parsed)


def _claim_number(value: str) -> int:
    if not value.isdigit() or int(value) <= 0:
        raise DomainError(
            "claim_number", gettext_noop("The claim number must be a positive whole number.")
        )
    return int(value)


def _check_claim_rows(agency: Agency, rows: _Rows, today: dt.date) -> Iterator[_ClaimRow]:
    patrons = {p.patron_number: p for p in agency.patrons.all()}
    existing = set(agency.claims.values_list("claim_number", flat=True))
    numbers: set[int] = set()
    for line, row in rows.rows:
        if not _required(rows, line, row, *CLAIM_COLUMNS["required"]):
            continue
        number = _field(rows, line, "claim_number", _claim_number, row["claim_number"])
        if number is not None:
            _unique(rows, numbers, line, "claim_number", number, number in existing)
        patron = patrons.get(row["patron_number"])
        if patron is None:
            rows.fail(
                line,
                "patron_number",
                DomainError(
                    "unknown_patron", gettext_noop("No patron with that number in this agency.")
                ),
            )
        kind = _field(rows, line, "kind", _choice(CLAIM_KINDS), row["kind"])
        amount = _field(rows, line, "amount", parse_claim_amount, row["amount"])
        created_on = _field(rows, line, "created_on", parse_date, row["created_on"])
        due_date = _field(rows, line, "due_date", parse_date, row["due_date"])
        reference = row.get("acknowledgement_reference", "")
        if None in (number, patron, kind, amount, created_on, due_date):
            continue
        try:
            check_claim_facts(
                kind=kind,
                created_on=created_on,
                due_date=due_date,
                today=today,
                acknowledged=bool(reference),
            )
        except DomainError as error:
            rows.fail(line, "", error)
        material = None
        if row.get("item_number"):
            material = ClaimMaterial(
                item_number=row["item_number"],
                record_id=row.get("record_id", ""),
                title=row.get("title", ""),
            )
        yield _ClaimRow(
            Claim(
                agency=agency,
                patron=patron,
                claim_number=number,
                kind=kind,
                amount_ore=amount,
                created_on=created_on,
                due_date=due_date,
                reason=row.get("reason", ""),
            ),
            reference,
            material,
        )


@transaction.atomic
def _write_claims(parsed: list[_ClaimRow], actor: str) -> None:
    claims = Claim.objects.bulk_create([r.claim for r in parsed], batch_size=BATCH_SIZE)
    now = clock.now()
    events, materials = [], []
    for row, claim in zip(parsed, claims, strict=True):
        events += opening_events(
            claim,
            actor=actor,
            occurred_at=now,
            acknowledgement_reference=row.acknowledgement_reference,
        )
        if row.material:
            row.material.claim = claim
            materials.append(row.material)
    ClaimMaterial.objects.bulk_create(materials, batch_size=BATCH_SIZE)  # the hand-over reads it
    write_claim_events(events)
    refresh_block({c.patron_id: c.patron for c in claims}.values())
