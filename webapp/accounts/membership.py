"""Member management. Each function is one transaction; the last-admin rule is kept under a lock."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from webapp.insights import audit
from webapp.accounts.emails import checked_email
from webapp.accounts.passwords import check_password_rules
from webapp.accounts.services import email_taken
from webapp.core.clock import utcnow
from webapp.core.exceptions import Conflict, LastAdmin, NotAllowed, ValidationFailed
from webapp.core.extensions import db
from webapp.models import ROLE_ADMIN, ROLES, Corporation, RefreshToken, User, VideoView, normalise_email


def members_query(corporation_id: int, email_search: str | None = None):
    """Active members of a corporation, optionally filtered by part of the email."""
    query = select(User).where(User.corporation_id == corporation_id, User.deleted_at.is_(None))
    if email_search:
        query = query.where(User.email.contains(normalise_email(email_search), autoescape=True))
    return query.order_by(User.email)


def views_of_user_query(user_id: int):
    """A user's watch history, newest first."""
    return (
        select(VideoView)
        .where(VideoView.user_id == user_id)
        .options(joinedload(VideoView.video))
        .order_by(VideoView.created_at.desc(), VideoView.id.desc())
    )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationFailed("Choose admin or guest.", fields={"role": ["Choose admin or guest."]})


def _lock_corporation(corporation_id: int) -> None:
    """Serialise admin-count checks of one corporation (SELECT ... FOR UPDATE)."""
    db.session.execute(
        select(Corporation.id).where(Corporation.id == corporation_id).with_for_update()
    )


def _other_admins(member: User) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.corporation_id == member.corporation_id,
            User.role == ROLE_ADMIN,
            User.deleted_at.is_(None),
            User.id != member.id,
        )
    )


def revoke_sessions(user: User) -> None:
    """End the user's browser sessions and API refresh tokens (no commit)."""
    user.session_version = User.session_version + 1
    db.session.execute(
        RefreshToken.__table__.update()
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def add_member(actor: User, email: str, password: str, role: str) -> User:
    """An admin adds a member to their own corporation."""
    _check_role(role)
    check_password_rules(password)
    email = checked_email(email)
    if email_taken(email):
        raise Conflict("That email is already registered.", fields={"email": ["Already registered."]})
    member = User(corporation_id=actor.corporation_id, email=email, role=role)
    member.set_password(password)
    db.session.add(member)
    try:
        db.session.flush()
        audit.record(actor.corporation_id, actor, "member.added", member, email=email, role=role)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("That email is already registered.", fields={"email": ["Already registered."]}) from None
    return member


def change_role(actor: User, member: User, role: str) -> User:
    """Change a member's role; demoting the last admin is refused."""
    _check_role(role)
    if role == member.role:
        return member
    _lock_corporation(member.corporation_id)
    if member.role == ROLE_ADMIN and _other_admins(member) == 0:
        raise LastAdmin("A company must keep at least one admin.")
    old_role = member.role
    member.role = role
    audit.record(member.corporation_id, actor, "member.role_changed", member,
                 email=member.email, old_role=old_role, new_role=role)
    db.session.commit()
    return member


def reset_password(actor: User, member: User, password: str) -> User:
    """An admin sets a new password for a member; their sessions and tokens end."""
    check_password_rules(password)
    member.set_password(password)
    revoke_sessions(member)
    audit.record(member.corporation_id, actor, "member.password_reset", member, email=member.email)
    db.session.commit()
    db.session.refresh(member)
    return member


def check_current_password(user: User, current_password: str | None) -> None:
    """Raise NotAllowed (403 invalid_current_password) unless this is the user's password."""
    if not user.check_password(current_password or ""):
        message = "The current password is not correct."
        raise NotAllowed(message, code="invalid_current_password",
                         fields={"current_password": [message]})


def change_own_password(user: User, current_password: str, new_password: str) -> User:
    """A user changes their own password; other sessions and refresh tokens end."""
    check_current_password(user, current_password)
    check_password_rules(new_password)
    user.set_password(new_password)
    revoke_sessions(user)
    audit.record(user.corporation_id, user, "sessions.revoked", user, email=user.email, reason="password_changed")
    db.session.commit()
    db.session.refresh(user)
    return user


def remove_member(actor: User, member: User) -> None:
    """Soft-delete a member; removing the last admin is refused."""
    _lock_corporation(member.corporation_id)
    if member.role == ROLE_ADMIN and _other_admins(member) == 0:
        raise LastAdmin("A company must keep at least one admin.")
    member.deleted_at = utcnow()
    revoke_sessions(member)
    audit.record(member.corporation_id, actor, "member.removed", member, email=member.email)
    db.session.commit()
