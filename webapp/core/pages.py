"""Helpers shared by the server-rendered pages: the search box, the current page of a list, service
errors, safe redirects, confirmations that work without JavaScript, bidi-safe titles in messages."""
import unicodedata
from urllib.parse import urlsplit

from flask import current_app, flash, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.urls import iri_to_uri

from webapp.core import limits
from webapp.core.pagination import OBJECTS, Page, paginate

JUST_SIGNED_UP = "_just_signed_up"  # session flag: the next home page greets a new admin

# Page numbers above this show an empty page; larger ones would overflow the database's OFFSET.
MAX_PAGE = 2**31 - 1


def search_term() -> str:
    """The `q` search parameter of a list page, trimmed."""
    return request.args.get("q", "", type=str).strip()[:limits.SEARCH_MAX]


def page_number() -> int:
    """The `?page=N` parameter of a list page: 1 when missing or not a positive number, capped at MAX_PAGE."""
    page = request.args.get("page", 1, type=int)
    if page is None or page < 1:
        return 1
    return min(page, MAX_PAGE)


def current_page(query, *, items: str = OBJECTS, params: dict | None = None) -> Page:
    """The page of a list that `?page=N` asks for (PER_PAGE rows; items and params as paginate's); a
    page past the end is simply empty."""
    return paginate(query, page_number(), current_app.config["PER_PAGE"], items=items, params=params)


def show_domain_error(form, error) -> None:
    """Attach a service's field messages to the form's fields; anything else becomes a flash.

    The use case has already rolled its unit of work back: nothing it touched is written.
    """
    unplaced = []
    for name, messages in (error.fields or {}).items():
        field = getattr(form, name, None) if form is not None else None
        if field is None:
            unplaced.extend(messages)
        else:
            field.errors = list(field.errors or []) + list(messages)
    if not error.fields or unplaced:
        flash(error.message, "error")


MAX_NEXT_LENGTH = 2048


def safe_next(target: str | None) -> str | None:
    """The `next` redirect target if it is a path on this site, percent-encoded; else None.

    Refused: other hosts and schemes ('//', backslashes, 'http:'), and any whitespace or control
    character (a decoded %0A would otherwise end up inside the Location header).
    """
    if not target or len(target) > MAX_NEXT_LENGTH or not target.startswith("/"):
        return None
    if any(char.isspace() or unicodedata.category(char)[0] == "C" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//") or "\\" in target:
        return None
    return iri_to_uri(target)


FSI, PDI = "\u2068", "\u2069"  # first strong isolate ... pop directional isolate


def isolate(text) -> str:
    """`text` as an isolated run for plain-text places (<title>, attributes, confirm questions): a
    right-to-left override inside a title cannot reorder the words around it. In HTML, <bdi>."""
    return f"{FSI}{text}{PDI}"


def with_bdi(message: str, **values) -> Markup:
    """A translated message (`_()` called without values) with each value escaped inside <bdi>:
    flashes and questions that name a title or an email."""
    return Markup(message) % {key: Markup("<bdi>%s</bdi>") % value for key, value in values.items()}


def confirmed() -> bool:
    """Was the action confirmed: the confirm page's button, or static/js/confirm.js after its question?"""
    return request.form.get("confirmed") == "1"


def confirm_page(question, button: str, cancel_url: str):
    """Without JavaScript nothing asked the question yet: ask it on a page of its own, whose button
    sends the same form again (its fields kept, a fresh CSRF token) with confirmed=1."""
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name not in ("csrf_token", "confirmed")]
    return render_template("confirm.html", question=question, button=button, cancel_url=cancel_url,
                           fields=fields, title=_("Please confirm"))
