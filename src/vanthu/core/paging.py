"""Paging for long lists: count only as far as the pages a person can reach."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

MAX_PAGE = 100_000


def requested_page_number(value: Any) -> int:
    """The page asked for, as a number in ``1..MAX_PAGE``: garbage reads as 1, huge numbers as the last page.

    Clamping before any arithmetic keeps ``page * per_page`` (the COUNT's LIMIT) inside the SQL integer range.
    """
    try:
        page = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), MAX_PAGE)


class CappedPaginator(Paginator[Any]):
    """A paginator whose COUNT stops at ``cap`` rows beyond the requested page.

    A province clerk's list holds 100,000 documents; an exact ``COUNT(*)`` over all of them is most of the list
    page's database time, while the page only needs to know whether a next page exists. The list shows
    "hơn N văn bản" when the count was capped.
    """

    def __init__(self, object_list: Any, per_page: int, *, requested_page: Any = 1, cap: int = 1000) -> None:
        super().__init__(object_list, per_page)
        self.cap = max(cap, requested_page_number(requested_page) * per_page)

    @cached_property
    def count(self) -> int:
        # Slicing before count() makes Django emit SELECT COUNT(*) FROM (… LIMIT cap + 1).
        rows: Any = self.object_list
        return int(rows[: self.cap + 1].count())

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @property
    def shown_count(self) -> int:
        return min(self.count, self.cap)


def capped_page(object_list: Any, per_page: int, number: Any) -> Page[Any]:
    page = requested_page_number(number)
    return CappedPaginator(object_list, per_page, requested_page=page).get_page(page)
