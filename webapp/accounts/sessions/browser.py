"""Browser sessions: a fresh session at login, ended at logout, after idle time or its lifetime, or elsewhere.

Session cookies are signed, not stored. A session carries its own id and two clocks; ending one
records its id in Redis so that a copy of the old cookie is refused.
"""
import secrets
import time

from flask import current_app, flash, request, session
from flask_login import login_user, logout_user
from redis.exceptions import RedisError

from webapp.core.redis_conn import redis_connection

LAST_SEEN_KEY = "_last_seen"
STARTED_KEY = "_started"
SESSION_ID_KEY = "_sid"
ENDED_SESSION_PREFIX = "ended-session:"


def start(user) -> None:
    """Log the user in with a fresh session (no fixation: the old session data is dropped)."""
    session.clear()
    login_user(user)
    session.permanent = True
    now = int(time.time())
    session[SESSION_ID_KEY] = secrets.token_urlsafe(16)
    session[STARTED_KEY] = now
    session[LAST_SEEN_KEY] = now


def end() -> None:
    """Log out: remember the session id as ended, then forget the session."""
    forget_session()
    logout_user()
    session.clear()


def forget_session() -> None:
    """Remember this session's id as ended, so a copy of the old cookie is refused.

    The mark lasts as long as a session may. Redis down: logged and skipped (the idle timeout remains).
    """
    session_id = session.get(SESSION_ID_KEY)
    if not session_id:
        return
    lifetime = int(current_app.permanent_session_lifetime.total_seconds())
    try:
        redis_connection().set(ENDED_SESSION_PREFIX + session_id, 1, ex=lifetime)
    except RedisError as error:
        current_app.logger.warning("could not record an ended session: %s", type(error).__name__)


def session_was_ended(session_id) -> bool:
    """Was this session id logged out (Redis down: assume not)?"""
    if not session_id:
        return False
    try:
        return bool(redis_connection().exists(ENDED_SESSION_PREFIX + session_id))
    except RedisError:
        return False


def end_stale_session():
    """Log out a browser session that was logged out elsewhere, is too old, or idle too long."""
    if request.endpoint == "static" or request.path.startswith("/api/") or "_user_id" not in session:
        return
    now = time.time()
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    last_seen, started = session.get(LAST_SEEN_KEY), session.get(STARTED_KEY)
    if minutes and isinstance(last_seen, int) and now - last_seen > minutes * 60:
        message = f"You were logged out after {minutes} minutes without activity. Please log in again."
    elif isinstance(started, int) and now - started > current_app.permanent_session_lifetime.total_seconds():
        message = "Your session has expired. Please log in again."
    elif session_was_ended(session.get(SESSION_ID_KEY)):
        message = "This session was logged out. Please log in again."
    else:
        session[LAST_SEEN_KEY] = int(now)
        return
    logout_user()
    session.clear()
    flash(message, "info")
