"""Reads of the ledger. Balances are sums over the journal's ``delta_ore``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from bibdebitor.common import clock
from bibdebitor.domain.claims import (
    HANDED_OVER,
    ClaimState,
    Event,
    EventKind,
    TransferStatus,
    fold,
)
from bibdebitor.domain.classification import Borrower, ClaimFacts, Policy, guardianships
from bibdebitor.ledger.models import (
    Agency,
    BlockLift,
    Claim,
    ClaimEvent,
    ClaimMaterial,
    ConsentKind,
    Guardian,
    GuardianConsent,
    IdentifierChange,
    Patron,
    PatronBlockEvent,
)


def claim_journal(claim: Claim) -> list[Event]:
    rows = claim.events.order_by("seq").values_list("kind", "amount_ore")
    return [Event(EventKind(kind), amount) for kind, amount in rows]


def claim_state(claim: Claim) -> ClaimState:
    return fold(claim_journal(claim))


def claims_with_open_balance(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return claims.annotate(open_ore=Coalesce(Sum("events__delta_ore"), 0))


def patron_open_balance(patron: Patron) -> int:
    total = ClaimEvent.objects.filter(claim__patron=patron).aggregate(
        total=Coalesce(Sum("delta_ore"), 0)
    )
    balance: int = total["total"]
    return balance


def blocked_by_balance(patron: Patron) -> bool:
    """The block the balance rule set (the latest block event)."""
    latest = PatronBlockEvent.objects.filter(patron=patron).order_by("-id").first()
    return bool(latest and latest.blocked)


def active_block_lift(patron: Patron, now: dt.datetime | None = None) -> BlockLift | None:
    """The lift in force: the newest, not past its end, and no coverage for the patron has
    arrived since it was given (then the balance speaks again)."""
    now = now or clock.now()
    lift = BlockLift.objects.filter(patron=patron).order_by("-id").first()
    if lift is None or lift.until <= now:
        return None
    covered_since = ClaimEvent.objects.filter(
        claim__patron=patron, kind=EventKind.COVERED, recorded_at__gt=lift.recorded_at
    )
    return None if covered_since.exists() else lift


def patron_is_blocked(patron: Patron, now: dt.datetime | None = None) -> bool:
    """Blocked from borrowing: the balance rule blocks and no lift on a receipt is in force."""
    return blocked_by_balance(patron) and active_block_lift(patron, now) is None


def guardian_on(patron: Patron, day: dt.date) -> Guardian | None:
    """The guardian in force on ``day``: the latest consent event effective on or before it."""
    latest = (
        GuardianConsent.objects.filter(patron=patron, effective_on__lte=day)
        .select_related("guardian")
        .order_by("-effective_on", "-id")
        .first()
    )
    if latest is None or latest.kind != ConsentKind.GIVEN:
        return None
    return latest.guardian


@dataclass(frozen=True, slots=True)
class AgencyFigures:
    agency: Agency
    patrons: int
    claims: int
    open_ore: int


def agency_totals() -> dict[int, tuple[int, int, int]]:
    """Per agency's key: (patrons, claims, open amount in øre). Three grouped counts, one
    row per agency each: counting both over one join multiplied patrons by claims (and the
    open-balance subquery ran once per joined row)."""
    patrons = dict(Patron.objects.values_list("agency").annotate(n=Count("id")).order_by())
    claims = dict(Claim.objects.values_list("agency").annotate(n=Count("id")).order_by())
    open_ore = dict(
        ClaimEvent.objects.values_list("claim__agency").annotate(n=Sum("delta_ore")).order_by()
    )
    return {
        # PostgreSQL sums bigints as numeric.
        pk: (patrons.get(pk, 0), claims.get(pk, 0), int(open_ore.get(pk) or 0))
        for pk in {*patrons, *claims, *open_ore}
    }


def agency_overview(totals: dict[int, tuple[int, int, int]]) -> list[AgencyFigures]:
    """Every agency, by name, with its totals (``agency_totals``)."""
    return [
        AgencyFigures(agency, *totals.get(agency.pk, (0, 0, 0)))
        for agency in Agency.objects.order_by("name")
    ]


@dataclass(frozen=True, slots=True)
class JournalSummary:
    """A claim's journal summed up in SQL (no fold): for lists over many claims."""

    claim_id: int
    open: int
    covered: int  # net of reversals
    written_off: int
    cancelled: bool
    transfer: TransferStatus
    last_covered_at: dt.datetime | None

    @property
    def is_transferred(self) -> bool:
        return self.transfer in HANDED_OVER


# What a journal summary counts and sums, by event kind. The ORM's aggregate and the
# hand-written one of ``patron_claim_summaries`` are both built from these.
_COUNTED = {
    "queued": EventKind.QUEUED,
    "accepted": EventKind.ACCEPTED,
    "rejected": EventKind.REJECTED,
    "cancels": EventKind.CANCELLED,
    "reopens": EventKind.REOPENED,
}
_SUMMED = {
    "covered": EventKind.COVERED,
    "reversed": EventKind.COVERAGE_REVERSED,
    "written_off": EventKind.WRITTEN_OFF,
}
_SUMMARY_COLUMNS = (*_COUNTED, "balance", *_SUMMED, "last_covered_at")


def _summary(claim_id: int, values: tuple[Any, ...]) -> JournalSummary:
    """A summary from the aggregate's columns, in ``_SUMMARY_COLUMNS`` order."""
    found = dict(zip(_SUMMARY_COLUMNS, values, strict=True))
    # PostgreSQL sums bigints as numeric: a Decimal in a raw row.
    return JournalSummary(
        claim_id=claim_id,
        open=int(found["balance"] or 0),
        covered=int(found["covered"] - found["reversed"]),
        written_off=int(found["written_off"]),
        cancelled=found["cancels"] > found["reopens"],
        transfer=_transfer_status(found["queued"], found["accepted"], found["rejected"]),
        last_covered_at=found["last_covered_at"],
    )


def journal_summaries(
    events: QuerySet[ClaimEvent], *fields: str, transferred_only: bool = False
) -> Iterator[tuple[JournalSummary, *tuple[Any, ...]]]:
    """One summary per claim among ``events``, followed by the values of ``fields`` (e.g.
    ``claim__claim_number``). ``transferred_only`` keeps claims ever queued for hand-over."""
    rows = (
        events.values("claim_id", *fields)
        .annotate(
            **{name: Count("id", filter=Q(kind=kind)) for name, kind in _COUNTED.items()},
            balance=Sum("delta_ore"),
            **{
                name: Coalesce(Sum("amount_ore", filter=Q(kind=kind)), 0)
                for name, kind in _SUMMED.items()
            },
            last_covered_at=Max("occurred_at", filter=Q(kind=EventKind.COVERED)),
        )
        .order_by()
    )
    if transferred_only:
        rows = rows.filter(queued__gt=0)
    for claim_id, *rest in rows.values_list("claim_id", *fields, *_SUMMARY_COLUMNS):
        yield (_summary(claim_id, tuple(rest[len(fields) :])), *rest[: len(fields)])


# The claim columns the citizen page and the fees API show (in the model's field order, as
# ``Model.from_db`` wants them), then the summary's aggregates over the claim's journal (a
# parameter for each event kind).
_CLAIM_FIELDS: tuple[str, ...] = (
    "id",
    "agency_id",
    "patron_id",
    "claim_number",
    "kind",
    "amount_ore",
)
_CLAIM_FIELDS += ("created_on", "due_date", "reason")
_SUMMARY_SELECT = ", ".join(
    [
        *(f"c.{name}" for name in _CLAIM_FIELDS),
        *("COUNT(CASE WHEN e.kind = %s THEN 1 END)" for _ in _COUNTED),
        "COALESCE(SUM(e.delta_ore), 0)",
        *("COALESCE(SUM(CASE WHEN e.kind = %s THEN e.amount_ore END), 0)" for _ in _SUMMED),
        "MAX(CASE WHEN e.kind = %s THEN e.occurred_at END)",
    ]
)
_SUMMARY_KINDS = [str(k) for k in (*_COUNTED.values(), *_SUMMED.values(), EventKind.COVERED)]


def patron_claim_summaries(patron_ids: list[int]) -> list[tuple[Claim, JournalSummary]]:
    """Every claim of these patrons with its journal summary, oldest first. Written by hand:
    the fees API asks this for every request, and Django spends longer compiling the
    aggregate than the database takes to run it."""
    if not patron_ids:
        return []
    marks = ", ".join(["%s"] * len(patron_ids))
    # Only our own column and table names are formatted in; the values are parameters.
    sql = (
        f"SELECT {_SUMMARY_SELECT} FROM {Claim._meta.db_table} c"  # noqa: S608
        f" JOIN {ClaimEvent._meta.db_table} e ON e.claim_id = c.id WHERE c.patron_id IN ({marks})"
        " GROUP BY c.id ORDER BY c.created_on, c.claim_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_SUMMARY_KINDS, *patron_ids])
        rows = cursor.fetchall()
    width = len(_CLAIM_FIELDS)
    found = []
    for row in rows:
        claim = Claim.from_db(connection.alias, _CLAIM_FIELDS, row[:width])
        *sums, last_covered_at = row[width:]
        found.append((claim, _summary(claim.pk, (*sums, _datetime(last_covered_at)))))
    return found


def patron_claim_materials(patron_ids: list[int]) -> dict[int, list[ClaimMaterial]]:
    """The materials of these patrons' claims, by claim (by hand, as above)."""
    if not patron_ids:
        return {}
    marks = ", ".join(["%s"] * len(patron_ids))
    fields = ("id", "claim_id", "item_number", "record_id", "title")
    sql = (
        f"SELECT {', '.join(f'm.{name}' for name in fields)} FROM {ClaimMaterial._meta.db_table} m"  # noqa: S608
        f" JOIN {Claim._meta.db_table} c ON c.id = m.claim_id WHERE c.patron_id IN ({marks})"
        " ORDER BY m.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, patron_ids)
        rows = cursor.fetchall()
    found: dict[int, list[ClaimMaterial]] = {}
    for row in rows:
        material = ClaimMaterial.from_db(connection.alias, fields, row)
        found.setdefault(material.claim_id, []).append(material)
    return found


def _datetime(value: object) -> dt.datetime | None:
    """A datetime from a raw aggregate (SQLite returns text there, PostgreSQL a datetime)."""
    if value is None:
        return None
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    if convert is not None:
        converted: dt.datetime = convert(value, None, connection)
        return converted
    if not isinstance(value, dt.datetime):  # PostgreSQL's driver answers with a datetime
        raise TypeError(f"not a datetime from {connection.vendor}: {value!r}")
    return value


def _transfer_status(queued: int, accepted: int, rejected: int) -> TransferStatus:
    # Accepted is final; a refused claim is queued again only when staff retry it.
    if accepted:
        return TransferStatus.ACCEPTED
    if not queued:
        return TransferStatus.AT_LIBRARY
    if rejected >= queued:
        return TransferStatus.REJECTED
    return TransferStatus.QUEUED


# --- what classification reads (the dry run and the hand-over alike) ------------------------

CHUNK = 20_000  # rows fetched at a time when reading a whole municipality


def policy_for(agency: Agency, cutoff: dt.date | None) -> Policy:
    return Policy(
        cutoff_date=cutoff,
        substitute_cpr_enabled=agency.substitute_cpr_enabled,
        vendor=agency.debtor_vendor,
        adult_age=agency.adult_age,
        substitute_manual_process=agency.substitute_manual_process,
        modulus11_required=agency.modulus11_required,
    )


def patron_records_version() -> tuple[int | None, int | None, int | None]:
    """Changes whenever a patron record as the rules read it may have: patrons are only ever
    added, a CPR or CVR number changes only with a row in its journal, and consents are
    appended. Three index lookups, to tell whether a report over every patron still holds."""
    return (_last_pk(Patron), _last_pk(IdentifierChange), _last_pk(GuardianConsent))


def _last_pk(model: type[Patron | IdentifierChange | GuardianConsent]) -> int | None:
    last: int | None = model.objects.aggregate(last=Max("pk"))["last"]
    return last


def borrowers(
    agency: Agency, patron_ids: Collection[int] | None = None
) -> dict[int, tuple[Borrower, str, str]]:
    """The agency's patrons (all, or these) as classification sees them, with number and name."""
    consents: dict[int, list[tuple[str, dt.date, str]]] = defaultdict(list)
    rows = GuardianConsent.objects.filter(patron__agency=agency).order_by("id")
    patrons = agency.patrons.all()
    if patron_ids is not None:
        rows = rows.filter(patron_id__in_ids=patron_ids)
        patrons = patrons.filter(pk__in_ids=patron_ids)
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
        claims = claims.filter(pk__in_ids=claim_ids)
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
