"""Who a request is made by: Flask-Login's user loader (browser sessions) and the access-token user lookup (API)."""
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import contains_eager

from webapp.accounts.sessions.tokens import is_family_id
from webapp.core.extensions import db
from webapp.core.ids import MAX_ID
from webapp.models import Corporation, User
from webapp.models_sessions import RefreshToken


def load_user(session_id: str):
    """Return the active user of this session, or None (which logs the browser out).

    The session names a user id and a session version: bumping the version ends the session.
    """
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit() or int(user_id) > MAX_ID or int(version) > MAX_ID:
        return None
    return db.session.scalar(SESSION_USER, {"user_id": int(user_id), "version": int(version)})


# An active user (not deleted; company not deleted, sign-up confirmed) of that session version,
# loaded with the company in the same SELECT: every page and API call reads both. Built once: a
# statement object reused with new parameters skips SQLAlchemy's per-call construction and cache-key work.
SESSION_USER = (
    select(User).join(User.corporation).options(contains_eager(User.corporation))
    .where(User.id == bindparam("user_id"), User.deleted_at.is_(None), Corporation.deleted_at.is_(None),
           Corporation.activated_at.is_not(None), User.session_version == bindparam("version"))
)
# The same, for an access token: its session (refresh-token family) must still be open.
TOKEN_USER = SESSION_USER.where(
    exists().where(RefreshToken.family_id == bindparam("family"), RefreshToken.revoked_at.is_(None)))


def load_token_user(claims: dict) -> User | None:
    """The active user an access token names, or None when they, their company, the token's session
    version or its session (logged out, ended by reuse detection) are gone (then 401).

    One query checks all of it and loads the company with the user (every API call reads it).
    """
    subject, version, family = claims.get("sub"), claims.get("sv"), claims.get("fam")
    if not isinstance(subject, str) or not subject.isdigit() or int(subject) > MAX_ID:
        return None
    if type(version) is not int or not 0 <= version <= MAX_ID or not is_family_id(family):
        return None
    return db.session.scalar(TOKEN_USER, {"user_id": int(subject), "version": version, "family": family})
