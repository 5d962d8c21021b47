"""Append-only tables: journal rows are inserted, never updated or deleted.

The ORM refuses updates and deletes of journal rows; a database trigger (installed by
``ForbidUpdates`` in a migration) refuses an UPDATE from any client, on SQLite and PostgreSQL.
Deletes are refused by the ORM only, so that test databases can still be flushed.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

_M = TypeVar("_M", bound=models.Model)


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} is append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} is append-only")


_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION bibdebitor_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
"""


class ForbidUpdates(Operation):
    """Migration operation: a trigger that aborts every UPDATE on ``model_name``'s table.
    Idempotent, so a migration that makes SQLite rebuild a table can put it back."""

    reversible = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def _table(self, app_label: str, state: ProjectState) -> str:
        model: type[models.Model] = state.apps.get_model(app_label, self.model_name)
        return model._meta.db_table

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        table = self._table(app_label, to_state)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_POSTGRES_FUNCTION, params=None)
            schema_editor.execute(
                f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION bibdebitor_append_only()"
            )
        else:
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        table = self._table(app_label, from_state)
        suffix = f" ON {table}" if schema_editor.connection.vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only{suffix}")

    def describe(self) -> str:
        return f"Forbid updates of {self.model_name} rows"
