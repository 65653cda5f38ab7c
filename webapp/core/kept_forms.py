"""A form sent after its session ended is kept, not lost: its fields wait in the (new) session while
the person logs in again, then the same form comes back filled in.

Never kept: passwords (any field whose name says password or confirm), files, and the CSRF token.
Only the most recent form is kept, for one showing of its page.
"""
from urllib.parse import urlsplit

from flask import current_app, request, session
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from webapp.core.pages import safe_next

KEPT_KEY = "_kept_form"
SECRET_NAME_PARTS = ("password", "confirm", "csrf_token")
MAX_KEPT_CHARS = 20_000  # a session cookie must stay small


def form_page_path() -> str:
    """Where the form came from: the posted URL when it is also a page (GET), else the referring page
    of this site, else the home page."""
    adapter = current_app.url_map.bind("")
    try:
        adapter.match(request.path, method="GET")
        return request.full_path.rstrip("?")
    except Exception:  # noqa: BLE001 - a POST-only action (or no such page): fall back to the referrer
        pass
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host:
        candidate = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        if safe_next(candidate):
            return candidate
    return "/"


def keep_submitted_form() -> str:
    """Keep the fields of the refused POST for its page; return that page's path."""
    page = form_page_path()
    fields, size = [], 0
    for name, value in request.form.items(multi=True):
        if any(part in name.lower() for part in SECRET_NAME_PARTS):
            continue
        size += len(name) + len(value)
        if size > MAX_KEPT_CHARS:
            break
        fields.append([name, value])
    session[KEPT_KEY] = {"page": urlsplit(page).path, "action": request.path, "fields": fields}
    return page


def kept_form_data(action: str | None = None) -> MultiDict | None:
    """On a GET of the page a form was kept for: its fields (once), else None. A page with several
    forms names the one it asks for by its `action` URL."""
    kept = session.get(KEPT_KEY)
    if request.method != "GET" or not isinstance(kept, dict) or kept.get("page") != request.path:
        return None
    if action is not None and kept.get("action") != action:
        return None
    session.pop(KEPT_KEY, None)
    return MultiDict([tuple(pair) for pair in kept.get("fields", []) if len(pair) == 2])


_NOT_GIVEN = object()


class PageForm(FlaskForm):
    """A page's form: shown again filled in with what was typed when its session had ended."""

    def __init__(self, formdata=_NOT_GIVEN, **kwargs):
        if formdata is _NOT_GIVEN:
            kept = kept_form_data()
            if kept is None:
                super().__init__(**kwargs)
                return
            formdata = kept
        super().__init__(formdata=formdata, **kwargs)
