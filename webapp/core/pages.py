"""Helpers shared by the server-rendered pages: paging, search, service errors."""
from flask import current_app, flash, request
from werkzeug.routing import IntegerConverter

from webapp.api.fields import MAX_ID
from webapp.core.extensions import db

# Page numbers above this show an empty page; larger ones would overflow the database's OFFSET.
MAX_PAGE = 2**31 - 1


def search_term() -> str:
    """The `q` search parameter of a list page, trimmed."""
    return request.args.get("q", "", type=str).strip()[:200]


class DatabaseIdConverter(IntegerConverter):
    """Werkzeug's int converter, limited to 1..MAX_ID unless a rule says otherwise.

    Without the upper bound a 20-digit id reaches the database (SQLite cannot even bind it).
    """

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def page_number() -> int:
    """The `?page=N` parameter of a list page: 1 when missing or not a positive number, capped at MAX_PAGE."""
    page = request.args.get("page", 1, type=int)
    if page is None or page < 1:
        return 1
    return min(page, MAX_PAGE)


def page_of(query):
    """One page (`?page=N`, PER_PAGE rows) of a select(); a page past the end is simply empty."""
    return db.paginate(
        query,
        page=page_number(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
        max_per_page=current_app.config["PER_PAGE"],
    )


def show_domain_error(form, error) -> None:
    """Attach a service's field messages to the form's fields; anything else becomes a flash.

    The session is rolled back first: nothing a failed use case touched may be written later.
    """
    db.session.rollback()
    unplaced = []
    for name, messages in (error.fields or {}).items():
        field = getattr(form, name, None) if form is not None else None
        if field is None:
            unplaced.extend(messages)
        else:
            field.errors = list(field.errors or []) + list(messages)
    if not error.fields or unplaced:
        flash(error.message, "error")
