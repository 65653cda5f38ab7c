"""Single-use links sent by mail: signed (itsdangerous), expiring, and bound to a stored nonce.

A link's token carries the row id, a random nonce and the ids it is bound to (user, company), signed
with SECRET_KEY and a salt per purpose, so a token for one purpose is worthless for another. The
row keeps only the nonce's SHA-256; using the link claims the row with one conditional UPDATE, so a
second use (or a concurrent one) fails, and re-sending replaces the nonce (older links stop working).
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from webapp.core.clock import utcnow
from webapp.core.exceptions import ValidationFailed
from webapp.core.extensions import db
from webapp.models_email import AccountToken

PURPOSES = ("invitation", "reset", "confirm")


class LinkInvalid(ValidationFailed):
    """A link that was tampered with, already used, revoked, or is for someone who is gone."""

    code = "invalid_token"


class LinkExpired(ValidationFailed):
    code = "token_expired"


def invalid() -> LinkInvalid:
    return LinkInvalid(_("This link is not valid (it may have been used already). Ask for a new one."))


def expired() -> LinkExpired:
    return LinkExpired(_("This link has expired. Ask for a new one."))


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    assert purpose in PURPOSES
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"reelhouse.link.{purpose}")


def new_nonce() -> tuple[str, str]:
    """A random nonce for a link and the digest that is stored."""
    nonce = secrets.token_urlsafe(24)
    return nonce, digest(nonce)


def digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


def make_token(purpose: str, row_id: int, nonce: str, **bound) -> str:
    """The token of a link: the row, its nonce and what it is bound to (user "u", company "c")."""
    return _serializer(purpose).dumps({"i": row_id, "n": nonce, **bound})


def read_token(purpose: str, token, max_age_seconds: int) -> dict:
    """The claims of a genuine token younger than max_age; LinkInvalid / LinkExpired otherwise."""
    if not isinstance(token, str) or not 0 < len(token) <= 512:
        raise invalid()
    try:
        claims = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise expired() from None
    except BadSignature:
        raise invalid() from None
    if not isinstance(claims, dict) or not isinstance(claims.get("i"), int) or not isinstance(claims.get("n"), str):
        raise invalid()
    return claims


def same_digest(stored: str, nonce: str) -> bool:
    return hmac.compare_digest(stored, digest(nonce))


def account_token(purpose: str, kind: str, token, ttl: timedelta, member_ok) -> AccountToken:
    """The unused AccountToken row of `kind` a `purpose` link names, bound to its member and company,
    whose member passes `member_ok(user)`; LinkInvalid / LinkExpired otherwise."""
    claims = read_token(purpose, token, int(ttl.total_seconds()))
    row = db.session.get(AccountToken, claims["i"])
    if (row is None or row.purpose != kind or row.used_at is not None
            or not same_digest(row.nonce_hash, claims["n"])
            or row.user_id != claims.get("u") or row.user.corporation_id != claims.get("c")
            or not member_ok(row.user)):
        raise invalid()
    if row.expires_at <= utcnow():
        raise expired()
    return row


def use_account_token(row: AccountToken) -> None:
    """Mark a checked link used, once: LinkInvalid when it was used (or expired) meanwhile, by a
    request that got there first (a step of a unit of work)."""
    claimed = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None), AccountToken.expires_at > utcnow())
        .values(used_at=utcnow())
        .returning(AccountToken.id)
    ).first()
    if claimed is None:
        raise invalid()


def issue_account_token(purpose: str, kind: str, user, expires_at) -> str:
    """A new single-use `purpose` link of `kind` for the member, valid until `expires_at`; their older
    unused links of that kind stop working. Its token (a step of a unit of work)."""
    db.session.execute(update(AccountToken)
                       .where(AccountToken.user_id == user.id, AccountToken.purpose == kind,
                              AccountToken.used_at.is_(None))
                       .values(used_at=utcnow()))
    nonce, nonce_hash = new_nonce()
    row = AccountToken(user_id=user.id, purpose=kind, nonce_hash=nonce_hash, expires_at=expires_at)
    db.session.add(row)
    db.session.flush()
    return make_token(purpose, row.id, nonce, u=user.id, c=user.corporation_id)
