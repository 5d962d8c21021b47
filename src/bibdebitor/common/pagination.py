"""Pages of a list that may hold a million rows: counted only up to a cap, since an exact
count of a filtered million reads every row, while a page needs only its own."""

from __future__ import annotations

from typing import TypeVar

from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000
_Row = TypeVar("_Row", bound=Model)


class CappedPaginator(Paginator[_Row]):
    """A paginator over a query whose count stops at ``COUNT_CAP`` rows (``capped`` then
    says so): the list shows "more than 10,000" and the pages up to there."""

    def __init__(self, rows: QuerySet[_Row], per_page: int) -> None:
        super().__init__(rows, per_page)
        self.rows = rows

    @cached_property
    def _counted(self) -> int:
        return self.rows[: COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP
