"""Authentication, and creating a company with its first admin (sign-up itself: webapp/accounts/signup.py)."""
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.core.clock import utcnow
from webapp.core.exceptions import AddressUnconfirmed
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
    """The active user with this email and password, or None (same answer for every failure).

    The right password for a sign-up still waiting for its admin to confirm the address raises
    AddressUnconfirmed: it tells only someone who knows the password what to do next.
    """
    user = db.session.scalar(
        select(User).where(User.email == normalise_email(email or ""), User.deleted_at.is_(None))
    )
    if user is None:
        _dummy_hash().check_password(password or "")
        return None
    if not user.check_password(password or ""):
        return None
    if not user.is_active:
        corporation = user.corporation
        if corporation.deleted_at is None and corporation.activated_at is None:
            raise AddressUnconfirmed(_("Confirm your address first: we sent a link to %(email)s.", email=user.email),
                                     email=user.email)
        return None
    return user


def dummy_password_check(password: str) -> None:
    """Spend the time of one password hash (a path that must not be faster than creating an account)."""
    _dummy_hash().check_password(password or "")


def create_company(name: str, admin_email: str, admin_password: str, plan: str = PLAN_FREE,
                   plan_expires_at: date | None = None, timezone: str | None = None,
                   locale: str | None = None, activated: bool = True) -> tuple[Corporation, User]:
    """Create a corporation and its first admin (a step of a unit of work; the inputs are checked).

    The company's time zone is the sign-up browser's when it sent a valid one, else PLAN_TIMEZONE;
    its default language is the one the sign-up was made in. `activated=False`: a sign-up waiting
    for its admin to confirm the address (nobody may log in yet).
    """
    if plan != PLAN_PAID:
        plan_expires_at = None
    corporation = Corporation(
        name=name, plan=plan, plan_expires_at=plan_expires_at,
        timezone=timezone if is_timezone(timezone) else current_app.config["PLAN_TIMEZONE"],
        locale=locale if is_locale(locale) else DEFAULT_LOCALE,
        activated_at=utcnow() if activated else None)
    admin = User(corporation=corporation, email=admin_email, role="admin")
    admin.set_password(admin_password)
    db.session.add_all([corporation, admin])
    db.session.flush()  # a name or address taken meanwhile: IntegrityError, for the use case to answer
    if plan == PLAN_PAID:
        db.session.add(PlanChange(corporation_id=corporation.id, from_plan=PLAN_FREE, to_plan=plan,
                                  to_expires_at=plan_expires_at, changed_by_id=admin.id, reason="sign_up"))
    audit.record(corporation.id, admin, "corporation.created", corporation, name=name)
    return corporation, admin


def set_member_language(user: User, locale: str | None) -> None:
    """Save the member's language (None: follow the browser, then the company default)."""
    with unit_of_work():
        user.locale = locale
