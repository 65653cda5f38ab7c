"""One page of a query: the pages (`?page=N`) and the API (`{items, page, per_page, total}`) both use it."""
from dataclasses import dataclass
from math import ceil

from sqlalchemy import func, select

from webapp.core.extensions import db


@dataclass
class Page:
    """The rows of one page and where it sits among all pages (what the pagination macro and the API need)."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(query, page: int, per_page: int, *, rows: bool = False) -> Page:
    """Run a select() for one page; items are the first column's objects, or whole rows when rows=True.

    A page past the end is simply empty.
    """
    page = max(page, 1)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    result = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = result.all() if rows else result.scalars().all()
    return Page(items, page, per_page, total)
