"""API sessions: HS256 access tokens and rotating, hashed refresh tokens grouped in families, with reuse detection."""
import hashlib
import secrets
import uuid
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_jwt_extended import create_access_token
from sqlalchemy import func, select, update

from webapp.accounts.services import authenticate
from webapp.core.clock import utcnow
from webapp.core.exceptions import InvalidCredentials, RefreshTokenRejected
from webapp.core.extensions import db
from webapp.core.transactions import unit_of_work
from webapp.insights import audit
from webapp.models import User
from webapp.models_sessions import RefreshToken


def hash_token(raw: str) -> str:
    """Refresh tokens are stored as SHA-256 digests: a database leak does not leak sessions."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def access_token_for(user: User, family_id: str) -> str:
    """A signed access token naming the user, their session version (a password change ends it) and
    the session (refresh-token family) it descends from (logout and reuse detection end it)."""
    return create_access_token(
        identity=str(user.id),
        additional_claims={"sv": user.session_version, "fam": family_id},
        expires_delta=timedelta(seconds=current_app.config["ACCESS_TOKEN_TTL"]),
    )


def _new_refresh_token(user_id: int, family_id: str, user_agent: str | None, now) -> tuple[RefreshToken, str]:
    raw = secrets.token_urlsafe(32)
    token = RefreshToken(
        user_id=user_id, token_hash=hash_token(raw), family_id=family_id, created_at=now,
        last_used_at=now, expires_at=now + timedelta(seconds=current_app.config["REFRESH_TOKEN_TTL"]),
        user_agent=(user_agent or "").replace("\x00", "")[:255] or None,
    )
    db.session.add(token)
    return token, raw


def _token_pair(user: User, raw_refresh: str, family_id: str) -> dict:
    return {
        "access_token": access_token_for(user, family_id),
        "refresh_token": raw_refresh,
        "token_type": "Bearer",
        "expires_in": current_app.config["ACCESS_TOKEN_TTL"],
    }


def open_api_session(email: str, password: str, user_agent: str | None) -> dict:
    """Check the credentials and open a new session (a new refresh-token family)."""
    user = authenticate(email, password)
    if user is None:
        raise InvalidCredentials(_("The email or password is not correct."))
    with unit_of_work():
        pair = open_session(user, user_agent)
        audit.record(user.corporation_id, user, "api.login", user)
    return pair


def open_session(user: User, user_agent: str | None = None) -> dict:
    """Start a session (a new refresh-token family) for an authenticated user; its first token pair.

    A step: it joins the caller's unit of work, which writes the refresh token.
    """
    family_id = str(uuid.uuid4())
    _token, raw = _new_refresh_token(user.id, family_id, user_agent, utcnow())
    return _token_pair(user, raw, family_id)


def _revoke_family(family_id: str, now) -> None:
    db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def rotate_refresh_token(raw: str, user_agent: str | None) -> dict:
    """Trade a live refresh token for a new pair; presenting a rotated one revokes its whole family.

    The old token is claimed with one conditional UPDATE ... RETURNING, so of two concurrent uses
    exactly one wins; the loser sees a rotated token and ends the family. An ended family stays
    ended although the request is refused: the refusal is raised after the unit of work commits.
    """
    with unit_of_work():
        pair, refusal = _rotate(raw, user_agent, utcnow())
    if refusal is not None:
        raise refusal
    return pair


def _rotate(raw: str, user_agent: str | None, now) -> tuple[dict | None, RefreshTokenRejected | None]:
    claimed = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == hash_token(raw), RefreshToken.revoked_at.is_(None),
               RefreshToken.expires_at > now)
        .values(revoked_at=now, last_used_at=now)
        .returning(RefreshToken.id, RefreshToken.user_id, RefreshToken.family_id)
    ).first()
    if claimed is None:
        return None, _refusal_of_unclaimable(raw, now)
    user = db.session.get(User, claimed.user_id)
    if not user.is_active:
        _revoke_family(claimed.family_id, now)
        return None, RefreshTokenRejected(_("This session has ended."))
    token, new_raw = _new_refresh_token(user.id, claimed.family_id, user_agent, now)
    db.session.flush()
    db.session.execute(
        update(RefreshToken).where(RefreshToken.id == claimed.id).values(replaced_by_id=token.id)
    )
    return _token_pair(user, new_raw, claimed.family_id), None


def _refusal_of_unclaimable(raw: str, now) -> RefreshTokenRejected:
    """Why a refresh token cannot be used; a replayed rotated token ends its family."""
    token = db.session.scalar(select(RefreshToken).where(RefreshToken.token_hash == hash_token(raw)))
    if token is not None and token.replaced_by_id is not None:
        _revoke_family(token.family_id, now)
        audit.record(token.user.corporation_id, None, "api.refresh_token_reused", token.user,
                     family_id=token.family_id)
        return RefreshTokenRejected(_("This refresh token was already used; the session has been ended."),
                                    code="refresh_token_reused")
    if token is not None and token.revoked_at is None:
        return RefreshTokenRejected(_("The refresh token has expired; log in again."),
                                    code="refresh_token_expired")
    return RefreshTokenRejected(_("The refresh token is not valid; log in again."))


def close_api_session(raw: str) -> None:
    """End the session the refresh token belongs to (its whole family); unknown tokens are ignored."""
    with unit_of_work():
        family_id = db.session.scalar(
            select(RefreshToken.family_id).where(RefreshToken.token_hash == hash_token(raw))
        )
        if family_id is not None:
            _revoke_family(family_id, utcnow())


def revoke_refresh_tokens(user: User) -> None:
    """Revoke every live refresh token of the user (a step: it joins the caller's unit of work)."""
    db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def active_sessions_query(user: User):
    """The user's live refresh tokens (one per session), newest first, with the session's start."""
    family = RefreshToken.__table__.alias("family")
    started = (
        select(func.min(family.c.created_at))
        .where(family.c.family_id == RefreshToken.family_id)
        .scalar_subquery()
    )
    return (
        select(RefreshToken.id, started.label("created_at"), RefreshToken.last_used_at,
               RefreshToken.expires_at, RefreshToken.user_agent)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None),
               RefreshToken.expires_at > utcnow())
        .order_by(RefreshToken.last_used_at.desc(), RefreshToken.id.desc())
    )


def is_family_id(value) -> bool:
    """Could this be a session (refresh-token family) id? (Claims are checked before any query.)"""
    return isinstance(value, str) and 0 < len(value) <= 36


def session_is_live(family_id) -> bool:
    """Is this API session (refresh-token family) still open? Access tokens and playback URLs
    descended from it die with it: logout and reuse detection revoke every token of the family."""
    if not is_family_id(family_id):
        return False
    return db.session.scalar(
        select(RefreshToken.id)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .limit(1)
    ) is not None
