"""Pages of a list, 50 rows each, for the staff pages' `_pager.html` and `_list_count.html`.

`page_of` counts the whole list (one COUNT). `page_of(..., cap=N)` counts at most N + 1 rows, so
a list over a table that grows without end (anomalies, warnings, messages) costs the same
whatever its size; past the cap the page says 超过N项 and pages through the first N only.
"""

from collections.abc import Mapping, Sequence
from functools import cached_property

from django.core.paginator import Page, Paginator

PER_PAGE = 50
CAP = 1000


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`: `capped` says there are more rows than that."""

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if isinstance(rows, list | tuple):
            return len(rows[: self.cap + 1])
        # Without its order the database stops at the cap instead of sorting the whole table.
        return rows.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        return self._counted > self.cap


def page_of(
    items: Sequence, params: Mapping, *, per_page: int = PER_PAGE, cap: int | None = None
) -> Page:
    """Page `params["page"]` of `items` (a queryset in a fixed order, or a list). A page number
    that is not a number reads as the first page, one past the end as the last."""
    if cap is None:
        paginator = Paginator(items, per_page)
    else:
        paginator = CappedPaginator(items, per_page, cap=cap)
    return paginator.get_page(params.get("page"))
