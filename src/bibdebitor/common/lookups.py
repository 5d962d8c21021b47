"""``field__in_ids=keys``: membership in a list of integer keys bound as one parameter.

``__in`` prepares every key through the field and binds each as its own placeholder; a
cut-over asks about tens of thousands of claims at a time, where that preparation (and, on
PostgreSQL, the driver splitting a query of 20,000 placeholders) cost more than the query.
Here the keys travel as one value: an array on PostgreSQL (``= ANY``), a JSON array on
SQLite (``json_each``), so there is no limit on their number either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.fields.related import ForeignObject


class InIds(models.Lookup):
    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        keys: Iterable[Any] = self.rhs
        return [int(key) for key in keys]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        # ``lhs`` is the column as the ORM compiled it; the keys are bound.
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*params, self.rhs)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return sql, (*params, json.dumps(self.rhs))


models.IntegerField.register_lookup(InIds)
ForeignObject.register_lookup(InIds)
