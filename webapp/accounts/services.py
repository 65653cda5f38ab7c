"""Sign-up and authentication."""
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.accounts.emails import checked_email
from webapp.accounts.passwords import check_password_rules
from webapp.companies.queries import name_taken
from webapp.companies.services import check_company_name, check_plan
from webapp.core.exceptions import Conflict
from webapp.core.extensions import db
from webapp.core.i18n import DEFAULT_LOCALE, is_locale, is_timezone
from webapp.core.transactions import unit_of_work
from webapp.insights import audit
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


def email_taken(email: str) -> bool:
    """Is an email in use by an active user anywhere in the system (any letter case)?

    Removed members' addresses are free again: their rows stay for history.
    """
    query = select(User.id).where(User.email == normalise_email(email), User.deleted_at.is_(None))
    return db.session.scalar(query) is not None


def sign_up(name: str, admin_email: str, admin_password: str, plan: str = PLAN_FREE,
            plan_expires_at: date | None = None, timezone: str | None = None,
            locale: str | None = None) -> tuple[Corporation, User]:
    """Create a corporation and its first admin in one unit of work.

    The company's time zone is the sign-up browser's when it sent a valid one, else PLAN_TIMEZONE;
    its default language is the one the sign-up was made in.
    """
    name = check_company_name(name)
    admin_email = checked_email(admin_email, "admin_email")
    check_password_rules(admin_password, "admin_password")
    check_plan(plan, plan_expires_at)
    if plan != PLAN_PAID:
        plan_expires_at = None
    if name_taken(name):
        raise Conflict(_("That company name is already registered."), fields={"name": [_("Already registered.")]})
    if email_taken(admin_email):
        raise Conflict(_("That email is already registered."), fields={"admin_email": [_("Already registered.")]})
    try:
        with unit_of_work():
            corporation = Corporation(
                name=name, plan=plan, plan_expires_at=plan_expires_at,
                timezone=timezone if is_timezone(timezone) else current_app.config["PLAN_TIMEZONE"],
                locale=locale if is_locale(locale) else DEFAULT_LOCALE)
            admin = User(corporation=corporation, email=admin_email, role="admin")
            admin.set_password(admin_password)
            db.session.add_all([corporation, admin])
            db.session.flush()
            if plan == PLAN_PAID:
                db.session.add(PlanChange(corporation_id=corporation.id, from_plan=PLAN_FREE, to_plan=plan,
                                          to_expires_at=plan_expires_at, changed_by_id=admin.id,
                                          reason="sign_up"))
            audit.record(corporation.id, admin, "corporation.created", corporation, name=name)
    except IntegrityError:
        raise Conflict(_("That company name or email is already registered.")) from None
    return corporation, admin


def set_member_language(user: User, locale: str | None) -> None:
    """Save the member's language (None: follow the browser, then the company default)."""
    with unit_of_work():
        user.locale = locale
