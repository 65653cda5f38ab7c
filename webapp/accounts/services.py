"""Sign-up and authentication."""
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.insights import audit
from webapp.accounts.emails import checked_email
from webapp.accounts.passwords import check_password_rules
from webapp.core.clock import plan_today
from webapp.core.exceptions import Conflict, ValidationFailed
from webapp.core.extensions import db
from webapp.models import PLAN_FREE, PLAN_PAID, Corporation, PlanChange, User, normalise_email

# A real hash to compare against when the email is unknown, so both paths take the same time.
_DUMMY_USER = User(email="nobody@invalid", password_hash="")


def _dummy_hash():
    if not _DUMMY_USER.password_hash:
        _DUMMY_USER.set_password("not-a-real-password")
    return _DUMMY_USER


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for every failure)."""
    user = db.session.scalar(
        select(User).where(User.email == normalise_email(email or ""), User.deleted_at.is_(None))
    )
    if user is None:
        _dummy_hash().check_password(password or "")
        return None
    if not user.check_password(password or "") or not user.is_active:
        return None
    return user


def name_taken(name: str, exclude_id: int | None = None) -> bool:
    """Is a corporation name in use (any letter case)?"""
    query = select(Corporation.id).where(func.lower(Corporation.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(Corporation.id != exclude_id)
    return db.session.scalar(query) is not None


def email_taken(email: str) -> bool:
    """Is an email in use by an active user anywhere in the system (any letter case)?

    Removed members' addresses are free again: their rows stay for history.
    """
    query = select(User.id).where(User.email == normalise_email(email), User.deleted_at.is_(None))
    return db.session.scalar(query) is not None


def sign_up(name: str, admin_email: str, admin_password: str, plan: str = PLAN_FREE,
            plan_expires_at: date | None = None) -> tuple[Corporation, User]:
    """Create a corporation and its first admin in one transaction."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Enter the company name.", fields={"name": ["Enter the company name."]})
    admin_email = checked_email(admin_email, "admin_email")
    check_password_rules(admin_password, "admin_password")
    if plan == PLAN_PAID and (plan_expires_at is None or plan_expires_at <= plan_today()):
        message = "A paid plan needs an expiry date in the future."
        raise ValidationFailed(message, fields={"plan_expires_at": [message]})
    if plan != PLAN_PAID:
        plan_expires_at = None
    if name_taken(name):
        raise Conflict("That company name is already registered.", fields={"name": ["Already registered."]})
    if email_taken(admin_email):
        raise Conflict("That email is already registered.", fields={"admin_email": ["Already registered."]})
    corporation = Corporation(name=name, plan=plan, plan_expires_at=plan_expires_at)
    admin = User(corporation=corporation, email=admin_email, role="admin")
    admin.set_password(admin_password)
    db.session.add_all([corporation, admin])
    try:
        db.session.flush()
        if plan == PLAN_PAID:
            db.session.add(PlanChange(corporation_id=corporation.id, from_plan=PLAN_FREE, to_plan=plan,
                                      to_expires_at=plan_expires_at, changed_by_id=admin.id,
                                      reason="sign_up"))
        audit.record(corporation.id, admin, "corporation.created", corporation, name=name)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("That company name or email is already registered.") from None
    return corporation, admin


def log_out_other_sessions(user: User) -> User:
    """End the user's other browser sessions and API refresh tokens; the caller starts a new session."""
    from webapp.accounts.membership import revoke_sessions

    revoke_sessions(user)
    audit.record(user.corporation_id, user, "sessions.revoked", user, email=user.email)
    db.session.commit()
    db.session.refresh(user)
    return user
