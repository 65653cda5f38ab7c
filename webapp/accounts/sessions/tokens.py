"""API credentials: HS256 access tokens and rotating, hashed refresh tokens with reuse detection."""
import hashlib
import secrets
import uuid
from datetime import timedelta

from flask import current_app
from flask_jwt_extended import create_access_token
from sqlalchemy import func, select, update

from webapp.insights import audit
from webapp.api.fields import MAX_ID
from webapp.accounts.membership import revoke_sessions
from webapp.accounts.services import authenticate
from webapp.core.clock import utcnow
from webapp.core.exceptions import Unauthorized
from webapp.core.extensions import db
from webapp.models import RefreshToken, User


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class RefreshTokenRejected(Unauthorized):
    code = "invalid_refresh_token"


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


def log_in(email: str, password: str, user_agent: str | None) -> dict:
    """Check the credentials and open a new session (a new refresh-token family)."""
    user = authenticate(email, password)
    if user is None:
        raise InvalidCredentials("The email or password is not correct.")
    pair = open_session(user, user_agent)
    audit.record(user.corporation_id, user, "api.login", user)
    db.session.commit()
    return pair


def open_session(user: User, user_agent: str | None = None) -> dict:
    """Start a session (a new refresh-token family) for an authenticated user; its first token pair.

    No commit: the caller's transaction writes the refresh token.
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


def rotate(raw: str, user_agent: str | None) -> dict:
    """Trade a live refresh token for a new pair; presenting a rotated one revokes its whole family.

    The old token is claimed with one conditional UPDATE ... RETURNING, so of two concurrent uses
    exactly one wins; the loser sees a rotated token and ends the family.
    """
    now = utcnow()
    claimed = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == hash_token(raw), RefreshToken.revoked_at.is_(None),
               RefreshToken.expires_at > now)
        .values(revoked_at=now, last_used_at=now)
        .returning(RefreshToken.id, RefreshToken.user_id, RefreshToken.family_id)
    ).first()
    if claimed is None:
        _reject_unclaimable(raw, now)
    user = db.session.get(User, claimed.user_id)
    if not user.is_active:
        _revoke_family(claimed.family_id, now)
        db.session.commit()
        raise RefreshTokenRejected("This session has ended.")
    token, new_raw = _new_refresh_token(user.id, claimed.family_id, user_agent, now)
    db.session.flush()
    db.session.execute(
        update(RefreshToken).where(RefreshToken.id == claimed.id).values(replaced_by_id=token.id)
    )
    db.session.commit()
    return _token_pair(user, new_raw, claimed.family_id)


def _reject_unclaimable(raw: str, now) -> None:
    """Explain why a refresh token cannot be used; a replayed rotated token ends its family."""
    token = db.session.scalar(select(RefreshToken).where(RefreshToken.token_hash == hash_token(raw)))
    if token is not None and token.replaced_by_id is not None:
        _revoke_family(token.family_id, now)
        audit.record(token.user.corporation_id, None, "api.refresh_token_reused", token.user,
                     family_id=token.family_id)
        db.session.commit()
        raise RefreshTokenRejected("This refresh token was already used; the session has been ended.",
                                   code="refresh_token_reused")
    db.session.rollback()
    if token is not None and token.revoked_at is None:
        raise RefreshTokenRejected("The refresh token has expired; log in again.",
                                   code="refresh_token_expired")
    raise RefreshTokenRejected("The refresh token is not valid; log in again.")


def log_out(raw: str) -> None:
    """End the session the refresh token belongs to (its whole family); unknown tokens are ignored."""
    family_id = db.session.scalar(
        select(RefreshToken.family_id).where(RefreshToken.token_hash == hash_token(raw))
    )
    if family_id is not None:
        _revoke_family(family_id, utcnow())
    db.session.commit()


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


def end_sessions(actor: User, user: User) -> None:
    """Revoke every refresh token of the user and end their access tokens and browser sessions."""
    revoke_sessions(user)
    audit.record(user.corporation_id, actor, "member.sessions_revoked", user, email=user.email)
    db.session.commit()


def session_is_live(family_id) -> bool:
    """Is this API session (refresh-token family) still open? Access tokens and playback URLs
    descended from it die with it: logout and reuse detection revoke every token of the family."""
    if not isinstance(family_id, str) or not 0 < len(family_id) <= 36:
        return False
    return db.session.scalar(
        select(RefreshToken.id)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .limit(1)
    ) is not None


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
