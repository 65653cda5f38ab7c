"""Who a request is made by: Flask-Login's user loader (browser sessions) and the access-token user lookup (API)."""
from webapp.accounts.sessions.tokens import session_is_live
from webapp.core.extensions import db
from webapp.core.ids import MAX_ID
from webapp.models import User


def load_user(session_id: str):
    """Return the active user of this session, or None (which logs the browser out).

    The session names a user id and a session version: bumping the version ends the session.
    """
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def load_token_user(claims: dict) -> User | None:
    """The active user an access token names, or None when they, their company, the token's session
    version or its session (logged out, ended by reuse detection) are gone (then 401)."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.isdigit() or int(subject) > MAX_ID:
        return None
    user = db.session.get(User, int(subject))
    if user is None or not user.is_active or claims.get("sv") != user.session_version:
        return None
    if not session_is_live(claims.get("fam")):
        return None
    return user
