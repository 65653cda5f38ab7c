"""Invitations: an admin invites an address with a role; the invitee sets their own password by link.

Adding a member *with a password* (the integration path) is an invitation too, carrying the hash of
the password the admin chose: nobody gets an account on an address its owner has not confirmed. The
owner confirms by link (no password to choose) and then logs in with the admin's password.

Both answer the same whether or not the address has an account in another company: the entry is
listed as pending either way (both paths do the same work: a password hash, one look-up, one mail),
and the owner of an address that is already in use gets a mail saying someone tried to add it (not a
link). Addresses of the admin's own company are no secret to the admin: adding a current member is
refused.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from webapp.accounts import links
from webapp.accounts.emails import checked_email
from webapp.accounts.passwords import check_password_rules
from webapp.core import mail
from webapp.core.clock import utcnow
from webapp.core.exceptions import Conflict, NotFound, ValidationFailed
from webapp.core.extensions import db
from webapp.core.transactions import unit_of_work
from webapp.insights import audit
from webapp.models import ROLES, Corporation, User, hash_password
from webapp.models_email import Invitation


def _ttl() -> timedelta:
    return timedelta(hours=current_app.config["INVITE_TTL_HOURS"])


def pending_query(corporation_id: int):
    """The company's invitations neither accepted nor revoked (expired ones included), newest first."""
    return (select(Invitation)
            .where(Invitation.corporation_id == corporation_id, Invitation.accepted_at.is_(None),
                   Invitation.revoked_at.is_(None))
            .order_by(Invitation.sent_at.desc(), Invitation.id.desc()))


def scoped_invitation_or_404(user: User, invitation_id: int) -> Invitation:
    """A pending invitation of the user's company; anything else (another company's) is a NotFound."""
    invitation = db.session.scalar(pending_query(user.corporation_id).where(Invitation.id == invitation_id))
    if invitation is None:
        raise NotFound()
    return invitation


def _active_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email, User.deleted_at.is_(None)))


def user_locale(user: User) -> str:
    """The language a member reads mail in: their saved choice, else their company's default."""
    return user.locale or user.corporation.locale


def invite(actor: User, email: str, role: str, password: str | None = None) -> Invitation:
    """Invite an address into the actor's company (a pending entry for it is renewed and re-sent).

    With `password` (an admin adding a member with a password), the member is created with that
    password once the address's owner confirms it by link.
    """
    if role not in ROLES:
        raise ValidationFailed(_("Choose admin or guest."), fields={"role": [_("Choose admin or guest.")]})
    if password is not None:
        check_password_rules(password)
    email = checked_email(email)
    password_hash = hash_password(password) if password is not None else None
    owner = _active_user(email)
    if owner is not None and owner.corporation_id == actor.corporation_id:
        message = _("%(email)s is already a member of your company.", email=email)
        raise Conflict(message, fields={"email": [message]})
    try:
        with unit_of_work():
            invitation = db.session.scalar(pending_query(actor.corporation_id).where(Invitation.email == email))
            action = "invitation.resent"
            if invitation is None:
                invitation = Invitation(corporation_id=actor.corporation_id, email=email, nonce_hash="")
                db.session.add(invitation)
                action = "invitation.sent"
            if password_hash is not None:
                action = "member.added"
            invitation.role = role
            invitation.password_hash = password_hash
            invitation.invited_by_id = actor.id
            _send(invitation, actor, owner)
            audit.record(actor.corporation_id, actor, action, invitation, email=email, role=role)
    except IntegrityError:  # the same address invited twice at once: the other request's invitation stands
        raise Conflict(_("That address was invited just now; see the pending invitations.")) from None
    return invitation


def resend(actor: User, invitation: Invitation) -> Invitation:
    """Send a pending invitation again with a new link and a new expiry (the older link stops working)."""
    owner = _active_user(invitation.email)
    with unit_of_work():
        _send(invitation, actor, owner)
        audit.record(actor.corporation_id, actor, "invitation.resent", invitation, email=invitation.email)
    return invitation


def revoke(actor: User, invitation: Invitation) -> None:
    """Withdraw a pending invitation: its link stops working (and an admin-chosen password is forgotten)."""
    with unit_of_work():
        invitation.revoked_at = utcnow()
        invitation.password_hash = None
        audit.record(actor.corporation_id, actor, "invitation.revoked", invitation, email=invitation.email)


def _send(invitation: Invitation, actor: User, owner: User | None) -> None:
    """New nonce and expiry, and the mail after the commit: the link (to choose a password, or to
    confirm the address of a member added with one), or to an address already in use, a note that
    someone tried to add it (in its owner's language)."""
    nonce, invitation.nonce_hash = links.new_nonce()
    now = utcnow()
    invitation.sent_at = now
    invitation.expires_at = now + _ttl()
    db.session.flush()
    company = actor.corporation.name
    if owner is not None:
        mail.send_after_commit("someone_tried", owner.email, user_locale(owner), company=company,
                               what="invitation")
        return
    token = links.make_token("invitation", invitation.id, nonce, c=invitation.corporation_id)
    template = "member_added" if invitation.password_preset else "invitation"
    mail.send_after_commit(template, invitation.email, actor.corporation.locale, company=company,
                           inviter=actor.email, role=invitation.role, hours=current_app.config["INVITE_TTL_HOURS"],
                           link=("auth.accept_invitation", {"token": token}))


def check_invitation(token) -> Invitation:
    """The pending invitation a link names, or LinkInvalid / LinkExpired (the accept page asks first)."""
    claims = links.read_token("invitation", token, int(_ttl().total_seconds()))
    invitation = db.session.get(Invitation, claims["i"])
    if (invitation is None or invitation.corporation_id != claims.get("c")
            or not links.same_digest(invitation.nonce_hash, claims["n"])
            or invitation.accepted_at is not None or invitation.revoked_at is not None
            or not invitation.corporation.is_active):
        raise links.invalid()
    if invitation.expires_at <= utcnow():
        raise links.expired()
    return invitation


def accept(token, password: str | None) -> User:
    """The invitee joins, once, with the invited role: with the password they choose, or (a member an
    admin added with a password) by confirming the address, with `password` None."""
    invitation = check_invitation(token)
    if invitation.password_preset:
        if password is not None:
            message = _("Your admin already set the password of this account: confirm the address, then log in "
                        "with that password.")
            raise ValidationFailed(message, fields={"password": [message]})
        password_hash = invitation.password_hash
    else:
        if password is None:
            raise ValidationFailed(_("Choose a password."), fields={"password": [_("Choose a password.")]})
        check_password_rules(password)
        password_hash = hash_password(password)
    try:
        with unit_of_work():
            claimed = db.session.execute(
                update(Invitation)
                .where(Invitation.id == invitation.id, Invitation.nonce_hash == invitation.nonce_hash,
                       Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                       Invitation.expires_at > utcnow())
                .values(accepted_at=utcnow(), password_hash=None)  # the member keeps the only copy
                .returning(Invitation.id)
            ).first()
            if claimed is None:  # used or revoked between the check and now
                raise links.invalid()
            corporation = db.session.get(Corporation, invitation.corporation_id)
            user = User(corporation=corporation, email=invitation.email, role=invitation.role,
                        locale=None, password_hash=password_hash)
            db.session.add(user)
            db.session.flush()
            db.session.execute(update(Invitation).where(Invitation.id == invitation.id)
                               .values(accepted_user_id=user.id))
            audit.record(corporation.id, user, "invitation.accepted", user, email=user.email, role=user.role)
    except IntegrityError:  # the address got an account elsewhere since the link was sent
        message = _("This address already has an account: log in, or reset its password.")
        raise Conflict(message, code="email_in_use") from None
    return user
