"""Verified sign-up: a new company stays inactive until its first admin confirms the address by link.

Signing up answers the same whether or not the address has an account: for a free address the
company and its admin are created inactive and a confirmation link is mailed; for an address in use
nothing is created and its owner is mailed that someone tried. Both paths hash a password and queue
one mail, so they take the same time. An unconfirmed sign-up holds its address and name for at most
SIGNUP_CONFIRM_HOURS: a new sign-up with the same address replaces it, and the purge job removes it.
"Didn't get the mail?" sends a new link (older ones stop working) valid until that same deadline; it
answers the same for every address, the look-up happening in a job like a password reset's.
"""
import logging
import math
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from webapp.accounts import links
from webapp.accounts.emails import checked_email
from webapp.accounts.invitations import user_locale
from webapp.accounts.passwords import check_password_rules
from webapp.accounts.services import create_company, dummy_password_check
from webapp.companies.queries import name_taken
from webapp.companies.services import check_company_name, check_plan
from webapp.core import mail
from webapp.core.clock import utcnow
from webapp.core.exceptions import Conflict
from webapp.core.extensions import db
from webapp.core.i18n import DEFAULT_LOCALE, is_locale
from webapp.core.queue import enqueue
from webapp.core.transactions import unit_of_work
from webapp.insights import audit
from webapp.models import PLAN_FREE, AuditEvent, Corporation, PlanChange, User
from webapp.models_email import TOKEN_CONFIRM, AccountToken

log = logging.getLogger(__name__)
RESEND_JOB = "worker.jobs.resend_signup_confirmation"


def _ttl() -> timedelta:
    return timedelta(hours=current_app.config["SIGNUP_CONFIRM_HOURS"])


def _unconfirmed_holding(email: str):
    """Unconfirmed sign-ups whose admin has this address (a newer sign-up replaces them)."""
    return (select(Corporation.id).join(User, User.corporation_id == Corporation.id)
            .where(Corporation.activated_at.is_(None), User.email == email))


def request_sign_up(name: str, admin_email: str, admin_password: str, plan: str = PLAN_FREE,
                    plan_expires_at: date | None = None, timezone: str | None = None,
                    locale: str | None = None) -> None:
    """Sign a company up, pending confirmation of the admin's address; the same outcome for the caller
    whether or not the address is in use (a taken company name is still a 409: names are not secret)."""
    name = check_company_name(name)
    admin_email = checked_email(admin_email, "admin_email")
    check_password_rules(admin_password, "admin_password")
    check_plan(plan, plan_expires_at)
    locale = locale if is_locale(locale) else DEFAULT_LOCALE
    try:
        _sign_up(name, admin_email, admin_password, plan, plan_expires_at, timezone, locale)
    except IntegrityError:  # the same name or address signed up at the same moment
        message = _("That company name is already registered.")
        raise Conflict(message, fields={"name": [_("Already registered.")]}) from None


def _sign_up(name, admin_email, admin_password, plan, plan_expires_at, timezone, locale) -> None:
    with unit_of_work():
        _remove_companies(db.session.scalars(_unconfirmed_holding(admin_email)).all())
        if name_taken(name):
            raise Conflict(_("That company name is already registered."), fields={"name": [_("Already registered.")]})
        owner = db.session.scalar(select(User).where(User.email == admin_email, User.deleted_at.is_(None)))
        if owner is not None:
            dummy_password_check(admin_password)  # the time of hashing the new admin's password
            mail.send_after_commit("someone_tried", owner.email, user_locale(owner), company=name, what="signup")
            return
        corporation, admin = create_company(name, admin_email, admin_password, plan, plan_expires_at,
                                            timezone=timezone, locale=locale, activated=False)
        _send_confirmation(admin, corporation, utcnow() + _ttl())


def _send_confirmation(admin: User, corporation: Corporation, expires_at) -> None:
    """A new confirmation link for the sign-up's admin (older ones stop working), valid until
    `expires_at`, mailed after the commit (a step)."""
    token = links.issue_account_token("confirm", TOKEN_CONFIRM, admin, expires_at)
    hours = max(1, math.ceil((expires_at - utcnow()).total_seconds() / 3600))
    mail.send_after_commit("confirm_signup", admin.email, corporation.locale, company=corporation.name,
                           hours=hours, link=("auth.confirm_signup", {"token": token}))


def request_confirmation_again(email: str) -> None:
    """"Didn't get the mail?": queue the look-up (the same work, and answer, for every address)."""
    email = checked_email(email)
    enqueue(RESEND_JOB, email, description="sign-up confirmation resend")


def resend_confirmation(email: str) -> bool:
    """The job: when `email` is the admin of a sign-up still waiting for confirmation, mail a new link
    (older links stop working), valid until the sign-up's own deadline."""
    admin = db.session.scalar(
        select(User).join(Corporation, User.corporation_id == Corporation.id)
        .where(User.email == email, User.deleted_at.is_(None), Corporation.activated_at.is_(None),
               Corporation.deleted_at.is_(None)))
    deadline = admin.corporation.created_at + _ttl() if admin is not None else None
    if admin is None or deadline <= utcnow():
        log.info("sign-up confirmation: no sign-up waiting for %s; nothing sent", mail.mask(email))
        return False
    with unit_of_work():
        _send_confirmation(admin, admin.corporation, deadline)
    log.info("sign-up confirmation: new link sent to user #%s", admin.id)
    return True


def check_confirmation(token) -> AccountToken:
    """The unused confirmation link a token names; LinkInvalid / LinkExpired otherwise."""
    return links.account_token("confirm", TOKEN_CONFIRM, token, _ttl(),
                               lambda user: user.deleted_at is None and user.corporation.deleted_at is None)


def confirm_sign_up(token) -> User:
    """Activate the company of a confirmation link (once); its admin may log in from now on."""
    row = check_confirmation(token)
    with unit_of_work() as session:
        links.use_account_token(row)
        admin = row.user
        corporation = admin.corporation
        if corporation.activated_at is None:
            corporation.activated_at = utcnow()
        audit.record(corporation.id, admin, "corporation.confirmed", corporation, name=corporation.name)
    session.refresh(admin)
    return admin


def purge_unconfirmed(now=None) -> list[dict]:
    """Remove sign-ups left unconfirmed for SIGNUP_CONFIRM_HOURS (their admin and links go with them),
    freeing the addresses and names; safe to run twice or at once (one DELETE)."""
    cutoff = (now or utcnow()) - _ttl()
    with unit_of_work():
        stale = db.session.execute(
            select(Corporation.id, Corporation.name)
            .where(Corporation.activated_at.is_(None), Corporation.created_at < cutoff)
            .with_for_update(skip_locked=True)
        ).all()
        _remove_companies([row.id for row in stale])
    return [{"id": row.id, "name": row.name} for row in stale]


def _remove_companies(ids: list[int]) -> None:
    """Delete unconfirmed companies with every row they have (a step). Explicit deletes rather than
    ON DELETE CASCADE alone: SQLite (make run) does not enforce foreign keys."""
    if not ids:
        return
    user_ids = select(User.id).where(User.corporation_id.in_(ids))
    db.session.execute(delete(AccountToken).where(AccountToken.user_id.in_(user_ids)))
    for model in (AuditEvent, PlanChange, User):
        db.session.execute(delete(model).where(model.corporation_id.in_(ids)))
    db.session.execute(delete(Corporation).where(Corporation.id.in_(ids), Corporation.activated_at.is_(None)))
