"""Pages of a list that may hold a million rows: counted only up to a cap, since an exact
count of a filtered million reads every row, while a page needs only its own."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at ``COUNT_CAP`` rows (``capped`` then says so): the
    list shows "more than 10,000" and the pages up to there."""

    @cached_property
    def _counted(self) -> int:
        return int(self.object_list[: COUNT_CAP + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP
