"""Browser sessions: a fresh session at login, ended at logout, after idle time or its lifetime, or elsewhere.

Session cookies are signed, not stored. A session carries its own id and two clocks; ending one
records its id as a database row (it must hold through a Redis outage) so that a copy of the old
cookie is refused.
"""
import secrets
import time

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, select

from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.core.i18n import SESSION_KEY, remember_in_session
from webapp.core.kept_forms import KEPT_KEY
from webapp.core.transactions import unit_of_work
from webapp.models_sessions import EndedSession

LAST_SEEN_KEY = "_last_seen"
STARTED_KEY = "_started"
SESSION_ID_KEY = "_sid"
# The idle clock moves on once it is this many seconds behind: a browser in constant use gets a new
# cookie (signed, sent back) about once a minute, not with every page, stream start and status poll.
# The cookie's own expiry is set whenever it is sent (SESSION_REFRESH_EACH_REQUEST is off): at least
# the session's lifetime from its start, which ends the session anyway.
LAST_SEEN_STEP = 60


def start(user) -> None:
    """Log the user in with a fresh session (no fixation: the old session data is dropped, except the
    language chosen before logging in and a form kept when the last session ended)."""
    kept_form = session.get(KEPT_KEY)
    clear_keeping_language()
    if kept_form is not None:
        session[KEPT_KEY] = kept_form
    login_user(user)
    session.permanent = True
    now = int(time.time())
    session[SESSION_ID_KEY] = secrets.token_urlsafe(16)
    session[STARTED_KEY] = now
    session[LAST_SEEN_KEY] = now


def end() -> None:
    """Log out: remember the session id as ended (one unit of work), then forget the session."""
    with unit_of_work():
        forget_session()
    logout_user()
    clear_keeping_language()


def clear_keeping_language() -> None:
    """Empty the session but keep the language chosen with the footer switch."""
    locale = session.get(SESSION_KEY)
    session.clear()
    remember_in_session(locale)


def forget_session() -> None:
    """Remember this session's id as ended, so a copy of the old cookie is refused (a step: no commit).

    The mark is kept as long as a session may last; marks past that are deleted on the way.
    """
    session_id = session.get(SESSION_ID_KEY)
    if not isinstance(session_id, str) or not session_id:
        return
    now = utcnow()
    db.session.execute(delete(EndedSession).where(EndedSession.expires_at < now))
    db.session.merge(EndedSession(session_id=session_id[:64],
                                  expires_at=now + current_app.permanent_session_lifetime))


def session_was_ended(session_id) -> bool:
    """Was this browser session logged out (its cookie is a copy)?"""
    if not isinstance(session_id, str) or not session_id:
        return False
    return db.session.connection().scalar(ENDED_SESSION, {"session_id": session_id[:64]}) is not None


ENDED_SESSION = select(EndedSession.session_id).where(EndedSession.session_id == bindparam("session_id"))


def end_stale_session():
    """Log out a browser session that was logged out elsewhere, is too old, or idle too long."""
    if request.endpoint == "static" or request.path.startswith("/api/") or "_user_id" not in session:
        return
    now = time.time()
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    last_seen, started = session.get(LAST_SEEN_KEY), session.get(STARTED_KEY)
    if minutes and isinstance(last_seen, int) and now - last_seen > minutes * 60:
        message = ngettext("You were logged out after %(num)s minute without activity. Please log in again.",
                           "You were logged out after %(num)s minutes without activity. Please log in again.",
                           minutes)
    elif isinstance(started, int) and now - started > current_app.permanent_session_lifetime.total_seconds():
        message = _("Your session has expired. Please log in again.")
    elif session_was_ended(session.get(SESSION_ID_KEY)):
        message = _("This session was logged out. Please log in again.")
    else:
        if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_STEP:
            session[LAST_SEEN_KEY] = int(now)
        return
    logout_user()
    clear_keeping_language()
    flash(message, "info")
