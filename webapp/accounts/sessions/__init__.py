"""The one owner of sessions: browser logins, API refresh-token families and signed playback URLs.

Pages, the API and the player start, end, revoke and re-issue sessions only through this module.
Everything a user holds is bound to their session version: bumping it (`revoke_all`) ends their
browser sessions, access tokens and playback URLs at once; their refresh tokens are revoked with it.
"""
from webapp.accounts.sessions import browser
from webapp.accounts.sessions.loader import load_token_user, load_user
from webapp.accounts.sessions.playback import make_playback_url, user_from_playback_token
from webapp.accounts.sessions.tokens import (
    active_sessions_query,
    close_api_session,
    open_api_session,
    open_session,
    revoke_refresh_tokens,
    rotate_refresh_token,
    session_is_live,
)
from webapp.core.transactions import unit_of_work
from webapp.insights import audit
from webapp.models import User

__all__ = [
    "active_sessions_query", "close_api_session", "end_all_sessions", "end_browser_session",
    "load_token_user", "load_user", "log_out_other_sessions", "make_playback_url", "open_api_session",
    "open_session", "reissue_browser_session", "revoke_all", "rotate_refresh_token", "session_is_live",
    "start_browser_session", "user_from_playback_token",
]


def start_browser_session(user: User) -> None:
    """Log this browser in as `user` with a fresh session (login, sign-up)."""
    browser.start(user)


def end_browser_session() -> None:
    """Log this browser out; a copy of its cookie is refused from now on."""
    browser.end()


def reissue_browser_session(user: User) -> None:
    """Keep this browser logged in after `revoke_all` ended every session of its user: a new session."""
    browser.start(user)


def revoke_all(user: User) -> None:
    """End every session of the user: browser sessions, access tokens, playback URLs and refresh families.

    A step of a use case: it joins the caller's unit of work.
    """
    user.session_version = User.session_version + 1
    revoke_refresh_tokens(user)


def log_out_other_sessions(user: User) -> User:
    """The user ends all their sessions; the page then re-issues this browser's (`reissue_browser_session`)."""
    with unit_of_work() as session:
        revoke_all(user)
        audit.record(user.corporation_id, user, "sessions.revoked", user, email=user.email)
    session.refresh(user)
    return user


def end_all_sessions(actor: User, user: User) -> None:
    """An admin (or the user) ends every session of the user: tokens, playback URLs and browser sessions."""
    with unit_of_work():
        revoke_all(user)
        audit.record(user.corporation_id, actor, "member.sessions_revoked", user, email=user.email)
