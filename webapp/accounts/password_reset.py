"""Password reset by mail: "Forgot password?" sends a single-use link valid RESET_TTL_MINUTES.

Asking answers the same (202) for every address: the request only queues a job, and the job looks
the address up and sends the link when it belongs to an active member, so neither the answer nor its
timing tells whether an account exists. Using the link sets the password and ends every session and
API token of the member.
"""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from webapp.accounts import links, sessions
from webapp.accounts.emails import checked_email
from webapp.accounts.invitations import user_locale
from webapp.accounts.passwords import check_password_rules
from webapp.core import mail
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.core.queue import enqueue
from webapp.core.transactions import unit_of_work
from webapp.insights import audit
from webapp.models import User
from webapp.models_email import TOKEN_RESET, AccountToken

log = logging.getLogger(__name__)
START_JOB = "worker.jobs.start_password_reset"


def _ttl() -> timedelta:
    return timedelta(minutes=current_app.config["RESET_TTL_MINUTES"])


def request_reset(email: str) -> None:
    """Someone asks for a reset link for `email`: queue the look-up (the same work for every address)."""
    email = checked_email(email)
    enqueue(START_JOB, email, description="password reset request")


def start_reset(email: str) -> bool:
    """The job: when `email` is an active member's, send them a reset link (older links stop working)."""
    user = db.session.scalar(select(User).where(User.email == email, User.deleted_at.is_(None)))
    if user is None or not user.is_active:
        log.info("password reset: no active account for %s; nothing sent", mail.mask(email))
        return False
    with unit_of_work():
        token = links.issue_account_token("reset", TOKEN_RESET, user, utcnow() + _ttl())
        mail.send_after_commit("password_reset", user.email, user_locale(user),
                               minutes=current_app.config["RESET_TTL_MINUTES"],
                               link=("auth.reset_password", {"token": token}))
    log.info("password reset: link sent to user #%s", user.id)
    return True


def check_reset(token) -> AccountToken:
    """The unused reset link a token names, for an active member; LinkInvalid / LinkExpired otherwise."""
    return links.account_token("reset", TOKEN_RESET, token, _ttl(), lambda user: user.is_active)


def confirm_reset(token, password: str) -> User:
    """Set the new password from a reset link (once) and end every session and token of the member."""
    row = check_reset(token)
    check_password_rules(password)
    with unit_of_work() as session:
        links.use_account_token(row)
        user = row.user
        user.set_password(password)
        sessions.revoke_all(user)
        audit.record(user.corporation_id, user, "password.reset_by_link", user, email=user.email)
    session.refresh(user)
    return user
