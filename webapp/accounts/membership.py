"""Member use cases: add (pending until confirmed), change role, set passwords, remove.

The last-admin rule is kept under a row lock."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.accounts import invitations, sessions
from webapp.accounts.passwords import check_password_rules
from webapp.core.clock import utcnow
from webapp.core.exceptions import LastAdmin, NotAllowed, ValidationFailed
from webapp.core.extensions import db
from webapp.core.transactions import lock, unit_of_work
from webapp.insights import audit
from webapp.models import ROLE_ADMIN, ROLES, User
from webapp.models_email import Invitation


def add_member(actor: User, email: str, password: str, role: str) -> Invitation:
    """An admin adds a member with a password they chose (the integration path).

    The member is pending until the address's owner confirms it by the mailed link: an invitation
    carrying the password hash, listed, re-sent and revoked like the others. The answer is the same
    whether or not the address has an account in another company (webapp/accounts/invitations.py).
    """
    return invitations.invite(actor, email, role, password=password)


def change_role(actor: User, member: User, role: str) -> User:
    """Change a member's role; demoting the last admin is refused."""
    with unit_of_work():
        _set_role(actor, member, role)
    return member


def reset_password(actor: User, member: User, password: str) -> User:
    """An admin sets a new password for a member; all their sessions end."""
    check_password_rules(password)
    with unit_of_work() as session:
        _set_password(actor, member, password, own=False)
    session.refresh(member)
    return member


def change_own_password(user: User, current_password: str, new_password: str) -> User:
    """A user changes their own password; all their sessions end (the page re-issues its own)."""
    check_current_password(user, current_password)
    check_password_rules(new_password)
    with unit_of_work() as session:
        _set_password(user, user, new_password, own=True)
    session.refresh(user)
    return user


def update_member(actor: User, member: User, *, role: str | None = None, password: str | None = None,
                  current_password: str | None = None) -> User:
    """Change a member's role and/or password in one unit of work: both apply, or neither.

    Roles are for admins. Your own password needs the current one; admins set other members'
    passwords directly. Every check runs before anything is written.
    """
    if role is not None and not actor.is_admin:
        raise NotAllowed(_("Only admins may change roles."))
    if password is not None:
        check_password_rules(password)
        if member.id == actor.id:
            check_current_password(member, current_password)
    with unit_of_work() as session:
        if role is not None:
            _set_role(actor, member, role)
        if password is not None:
            _set_password(actor, member, password, own=member.id == actor.id)
    session.refresh(member)
    return member


def remove_member(actor: User, member: User) -> None:
    """Soft-delete a member and end their sessions; removing the last admin is refused."""
    with unit_of_work():
        _keep_an_admin(member)
        member.deleted_at = utcnow()
        sessions.revoke_all(member)
        audit.record(member.corporation_id, actor, "member.removed", member, email=member.email)


def check_current_password(user: User, current_password: str | None) -> None:
    """Raise NotAllowed (403 invalid_current_password) unless this is the user's password."""
    if not user.check_password(current_password or ""):
        message = _("The current password is not correct.")
        raise NotAllowed(message, code="invalid_current_password",
                         fields={"current_password": [message]})


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationFailed(_("Choose admin or guest."), fields={"role": [_("Choose admin or guest.")]})


def _keep_an_admin(member: User) -> None:
    """Refuse to take away the corporation's last admin; the corporation's row lock serialises the check."""
    lock(member.corporation)
    if member.role != ROLE_ADMIN:
        return
    others = db.session.scalar(
        select(func.count(User.id)).where(
            User.corporation_id == member.corporation_id,
            User.role == ROLE_ADMIN,
            User.deleted_at.is_(None),
            User.id != member.id,
        )
    )
    if others == 0:
        raise LastAdmin(_("A company must keep at least one admin."))


def _set_role(actor: User, member: User, role: str) -> None:
    _check_role(role)
    if role == member.role:
        return
    _keep_an_admin(member)
    old_role = member.role
    member.role = role
    audit.record(member.corporation_id, actor, "member.role_changed", member,
                 email=member.email, old_role=old_role, new_role=role)


def _set_password(actor: User, member: User, password: str, *, own: bool) -> None:
    """Set the password and end every session of the member; `own`: the member changed it themself."""
    member.set_password(password)
    sessions.revoke_all(member)
    if own:
        audit.record(member.corporation_id, member, "sessions.revoked", member, email=member.email,
                     reason="password_changed")
    else:
        audit.record(member.corporation_id, actor, "member.password_reset", member, email=member.email)
