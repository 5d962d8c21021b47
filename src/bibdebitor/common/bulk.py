"""Writing many new rows of one model at once, for the journals and the outbox of a cut-over.

``bulk_create`` compiles every value of every row through the ORM's field preparation: at a
cut-over of 20,000 claims that was a third of the enqueue's time. ``insert`` writes the same
rows with one ``executemany``: each field's value is converted by the least the database
needs (dates and times by the backend's own adapter, once per distinct value; a text as
``str``; anything else, such as a UUID or JSON, by the field itself). The rows' primary keys
are not read back; each row is marked saved, so that saving it again refuses (append-only)
instead of inserting twice. ``insert_values`` writes rows given as plain field values, for
callers that have no use for model instances (making one costs more than writing it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router
from django.utils import timezone

M = TypeVar("M", bound=models.Model)
Convert = Callable[[Any], Any]

_AS_IS = {
    "IntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "SmallIntegerField",
    "BooleanField",
    "ForeignKey",
}
_TEXT = {"CharField", "TextField"}


def _converter(field: models.Field[Any, Any], connection: Any) -> Convert | None:
    kind = field.get_internal_type()
    if kind in _AS_IS:
        return None
    if kind in _TEXT:
        return _text
    if kind == "DateTimeField":
        return _memo(connection.ops.adapt_datetimefield_value)
    if kind == "DateField":
        return _memo(connection.ops.adapt_datefield_value)
    return lambda value: field.get_db_prep_save(value, connection)


def _memo(adapt: Convert) -> Convert:
    """``adapt``, remembering its answers: a batch's rows share a few moments and days."""
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value not in seen:
            seen[value] = adapt(value)
        return seen[value]

    return convert


def _text(value: Any) -> Any:
    # A StrEnum member as its plain value (drivers adapt only exact strings everywhere).
    return value if value is None or type(value) is str else str(value)


def insert_numbered(
    model: type[models.Model], rows: Sequence[dict[str, Any]], key: tuple[str, str]
) -> list[int]:
    """``insert_values``, then the rows' primary keys in their order, read back in one query
    by ``key``: two attributes that are unique together (the rows' own natural key)."""
    if not rows:
        return []
    insert_values(model, rows)
    first, second = key
    found = model._default_manager.filter(
        **{f"{second}__in": {row[second] for row in rows}}
    ).values_list(first, second, "pk")
    pks = {(a, b): pk for a, b, pk in found}
    return [pks[row[first], row[second]] for row in rows]


def insert(rows: Sequence[M]) -> None:
    """INSERT ``rows`` (new instances of one model) in one ``executemany``."""
    if not rows:
        return
    model = type(rows[0])
    connection = connections[router.db_for_write(model)]
    fields = _columns(model)
    converters = [(f, _converter(f, connection)) for f in fields]
    values = []
    for row in rows:
        line = []
        for field, convert in converters:
            value = field.pre_save(row, add=True)  # auto_now_add stamps the row too
            line.append(value if convert is None else convert(value))
        values.append(line)
        row._state.adding, row._state.db = False, connection.alias
    _execute(connection, model, fields, values)


def insert_values(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, ignore_conflicts: bool = False
) -> None:
    """INSERT new rows of ``model`` given as ``{attribute name: value}`` (a foreign key by
    its ``…_id``), in one ``executemany``; a field left out takes its default (a callable
    default is called once for all the rows: give a per-row value such as a UUID explicitly),
    and an ``auto_now_add`` field the moment of the call. ``ignore_conflicts``: a row that a
    unique constraint refuses (another writer made it first) is left out, not an error."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = _columns(model)
    plan = _plan(fields, connection)
    values = []
    for row in rows:
        line = []
        for name, default, convert in plan:
            value = row.get(name, default)
            line.append(value if convert is None else convert(value))
        values.append(line)
    _execute(connection, model, fields, values, ignore_conflicts=ignore_conflicts)


def insert_tuples(model: type[models.Model], rows: Sequence[tuple[Any, ...]]) -> None:
    """``insert_values`` for rows given as named tuples of one type, whose field names are
    the model's attribute names (a journal's rows): read by position, not made into dicts."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = _columns(model)
    position = {name: at for at, name in enumerate(rows[0]._fields)}  # type: ignore[attr-defined]  # a named tuple's
    plan = [
        (position.get(name), default, convert)
        for name, default, convert in _plan(fields, connection)
    ]
    values = []
    for row in rows:
        line = []
        for at, default, convert in plan:
            value = default if at is None else row[at]
            line.append(value if convert is None else convert(value))
        values.append(line)
    _execute(connection, model, fields, values)


def _plan(
    fields: list[models.Field[Any, Any]], connection: Any
) -> list[tuple[str, Any, Convert | None]]:
    """Per column: the attribute it is read from, its value when a row leaves it out, and
    the conversion it needs."""
    now = timezone.now()
    plan = []
    for field in fields:
        default = now if getattr(field, "auto_now_add", False) else field.get_default()
        plan.append((field.attname, default, _converter(field, connection)))
    return plan


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _execute(
    connection: Any,
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    values: list[list[Any]],
    *,
    ignore_conflicts: bool = False,
) -> None:
    quote = connection.ops.quote_name
    # Only the model's own table and column names, quoted by the backend; values are bound.
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)  # concrete: each has a column
    placeholders = ", ".join(["%s"] * len(fields))
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        if ignore_conflicts:  # COPY knows no conflicts; both databases know this clause
            cursor.executemany(f"{insert} ON CONFLICT DO NOTHING", values)
        elif connection.vendor == "postgresql":
            # COPY: one stream instead of a statement per row (activating 20,000 claims spent
            # a third of its time waiting on PostgreSQL's INSERTs). Through the driver's own
            # cursor, so its errors are made Django's here (a caller catches IntegrityError).
            copying = cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
            with connection.wrap_database_errors, copying as copy:
                for line in values:
                    copy.write_row(line)
        else:
            cursor.executemany(insert, values)
