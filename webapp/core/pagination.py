"""One page of a query: the pages (`?page=N`) and the API (`{items, page, per_page, total}`) both use it."""
from dataclasses import dataclass
from math import ceil
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, func, select

from webapp.core.extensions import db

# What a page's items are (paginate's `items`)
OBJECTS = "objects"  # the first column's model objects
ROWS = "rows"        # whole rows of model objects (a select() of several entities or columns)
COLUMNS = "columns"  # rows of column values, read without the ORM: no objects, no identity map


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


def paginate(query, page: int, per_page: int, *, items: str = OBJECTS, params: dict | None = None) -> Page:
    """Run a select() for one page; its items are OBJECTS, ROWS or COLUMNS (above; COLUMNS for answers
    that only read column values, such as the API's video lists). `params` are the values of the
    query's bind parameters, for a query built once and reused (such as videos.queries.LIBRARY): its
    page statement is then built once too.

    The page and the total come in one statement (`count(*) OVER ()`, computed before LIMIT), one
    round trip fewer per page (the API's video list: about 1.15 times the calls a second). An empty
    page past the end has no row to carry the total: it is counted then. ROWS pages, whose rows the
    caller unpacks, are counted apart (on the connection: the ORM adds nothing to a number). A page
    past the end is simply empty.
    """
    page = max(page, 1)
    connection = db.session.connection()
    params = {**(params or {}), "page_limit": per_page, "page_offset": (page - 1) * per_page}
    if items == ROWS:
        total = _count(connection, query, params)
        return Page(db.session.execute(_limited(query), params).all(), page, per_page, total)
    rows = (connection if items == COLUMNS else db.session).execute(_page_statement(query), params).all()
    if rows:
        total = rows[0].total
    else:
        total = 0 if params["page_offset"] == 0 else _count(connection, query, params)
    found = rows if items == COLUMNS else [row[0] for row in rows]  # a COLUMNS row keeps its `total`
    return Page(found, page, per_page, total)


# Page statements of queries built once (weakly held: a query built per call takes its own with it).
_page_statements = WeakKeyDictionary()


def _page_statement(query):
    """The query with its total (`count(*) OVER ()`) and the page's LIMIT and OFFSET as parameters."""
    statement = _page_statements.get(query)
    if statement is None:
        statement = _page_statements[query] = _limited(query.add_columns(func.count().over().label("total")))
    return statement


def _limited(query):
    return query.limit(bindparam("page_limit")).offset(bindparam("page_offset"))


def _count(connection, query, params) -> int:
    return connection.scalar(select(func.count()).select_from(query.order_by(None).subquery()), params)
