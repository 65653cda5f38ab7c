"""Company use cases: plan changes, renaming, deletion, and the set-based expiry of lapsed paid plans."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from webapp.companies import reminders
from webapp.companies.queries import name_taken
from webapp.core import limits
from webapp.core.clock import plan_today, utcnow
from webapp.core.exceptions import Conflict, ValidationFailed
from webapp.core.extensions import db
from webapp.core.i18n import is_locale, is_timezone
from webapp.core.transactions import lock, unit_of_work
from webapp.insights import audit
from webapp.models import PLAN_FREE, PLAN_PAID, PLANS, AuditEvent, Corporation, PlanChange, User

KEEP = object()  # update_corporation: leave the plan's expiry date as it is


def check_company_name(name: str | None) -> str:
    """The trimmed company name, or ValidationFailed (400) when it is empty or too long."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the company name."), fields={"name": [_("Enter the company name.")]})
    if len(name) > limits.COMPANY_NAME_MAX:
        message = _("Enter a name of at most %(count)s characters.", count=limits.COMPANY_NAME_MAX)
        raise ValidationFailed(message, fields={"name": [message]})
    return name


def check_plan(plan: str, expires_at: date | None) -> None:
    """A plan is free, or paid until a date in the future (PLAN_TIMEZONE); ValidationFailed otherwise."""
    if plan not in PLANS:
        raise ValidationFailed(_("Choose free or paid."), fields={"plan": [_("Choose free or paid.")]})
    if plan == PLAN_PAID and (expires_at is None or expires_at <= plan_today()):
        message = _("Choose an expiry date in the future.")
        raise ValidationFailed(message, fields={"plan_expires_at": [message]})


def change_plan(actor: User, corporation: Corporation, plan: str, expires_at: date | None = None) -> Corporation:
    """Set the plan: paid needs a future expiry date; free keeps the old date for the record."""
    with unit_of_work():
        lock(corporation)
        _apply_plan(actor, corporation, plan, expires_at)
    return corporation


def rename_corporation(actor: User, corporation: Corporation, name: str) -> Corporation:
    """Rename; names are unique in any letter case."""
    return update_corporation(actor, corporation, name=name)


def update_corporation(actor: User, corporation: Corporation, *, name: str | None = None,
                       plan: str | None = None, expires_at=KEEP) -> Corporation:
    """Rename and/or change the plan in one unit of work: all of it is applied, or none.

    Changing only the expiry date keeps the plan; changing only the plan keeps the date.
    """
    try:
        with unit_of_work():
            lock(corporation)  # decide on the current plan, not on a copy read before a job changed it
            if name is not None:
                _apply_rename(actor, corporation, name)
            if plan is None and expires_at is not KEEP:
                plan = corporation.plan
            if plan is not None:
                expiry = corporation.plan_expires_at if expires_at is KEEP else expires_at
                _apply_plan(actor, corporation, plan, expiry)
    except IntegrityError:
        raise Conflict(_("That company name is already registered.")) from None
    return corporation


def _apply_plan(actor: User, corporation: Corporation, plan: str, expires_at: date | None) -> None:
    check_plan(plan, expires_at)
    new_expiry = expires_at if plan == PLAN_PAID else corporation.plan_expires_at
    if plan == corporation.plan and new_expiry == corporation.plan_expires_at:
        return
    db.session.add(PlanChange(
        corporation_id=corporation.id, from_plan=corporation.plan, to_plan=plan,
        from_expires_at=corporation.plan_expires_at, to_expires_at=new_expiry,
        changed_by_id=actor.id, reason="changed",
    ))
    audit.record(corporation.id, actor, "plan.changed", corporation, old_plan=corporation.plan,
                 new_plan=plan, expires_at=new_expiry.isoformat() if new_expiry else None)
    corporation.plan = plan
    corporation.plan_expires_at = new_expiry


def _apply_rename(actor: User, corporation: Corporation, name: str) -> None:
    name = check_company_name(name)
    if name == corporation.name:
        return
    if name_taken(name, exclude_id=corporation.id):
        raise Conflict(_("That company name is already registered."), fields={"name": [_("Already registered.")]})
    old_name = corporation.name
    corporation.name = name
    audit.record(corporation.id, actor, "corporation.renamed", corporation, old_name=old_name, new_name=name)


def change_settings(actor: User, corporation: Corporation, locale: str, timezone: str) -> Corporation:
    """Set the company's default language and the time zone its pages show times in."""
    if not is_locale(locale):
        message = _("Choose English or Korean.")
        raise ValidationFailed(message, fields={"locale": [message]})
    if not is_timezone(timezone):
        message = _("Choose a time zone from the list, such as Asia/Seoul.")
        raise ValidationFailed(message, fields={"timezone": [message]})
    with unit_of_work():
        lock(corporation)
        if (locale, timezone) != (corporation.locale, corporation.timezone):
            audit.record(corporation.id, actor, "corporation.settings_changed", corporation,
                         old_locale=corporation.locale, new_locale=locale,
                         old_timezone=corporation.timezone, new_timezone=timezone)
            corporation.locale = locale
            corporation.timezone = timezone
    return corporation


def delete_corporation(actor: User, corporation: Corporation) -> None:
    """Soft-delete a corporation: its members lose access at once, and their email addresses may be
    used again (their rows stay for the company's history)."""
    with unit_of_work():
        now = utcnow()
        corporation.deleted_at = now
        db.session.execute(
            update(User).where(User.corporation_id == corporation.id, User.deleted_at.is_(None))
            .values(deleted_at=now)
        )
        audit.record(corporation.id, actor, "corporation.deleted", corporation, name=corporation.name)


def expire_plans(today: date | None = None) -> list[dict]:
    """Downgrade every paid plan whose expiry date is before today (PLAN_TIMEZONE), in one UPDATE.

    Returns the corporations changed. Concurrent runs are safe: the second UPDATE re-checks
    plan = 'paid' on the locked rows and finds nothing left to do, so history is written once.
    """
    today = today or plan_today()
    now = utcnow()
    with unit_of_work():
        rows = db.session.execute(
            update(Corporation)
            .where(Corporation.plan == PLAN_PAID, Corporation.plan_expires_at < today)
            .values(plan=PLAN_FREE, updated_at=now)
            .returning(Corporation.id, Corporation.name, Corporation.plan_expires_at)
        ).all()
        expired = [{"id": r.id, "name": r.name, "expired_on": r.plan_expires_at} for r in rows]
        if expired:
            db.session.execute(insert(PlanChange.__table__), [
                {"corporation_id": c["id"], "from_plan": PLAN_PAID, "to_plan": PLAN_FREE,
                 "from_expires_at": c["expired_on"], "to_expires_at": c["expired_on"],
                 "changed_by_id": None, "reason": "expired", "created_at": now}
                for c in expired
            ])
            db.session.execute(insert(AuditEvent.__table__), [
                {"corporation_id": c["id"], "actor_id": None, "action": "plan.expired",
                 "target_type": "corporation", "target_id": c["id"],
                 "details": {"expired_on": c["expired_on"].isoformat()}, "created_at": now}
                for c in expired
            ])
    return expired


def expire_plans_and_remind(today: date | None = None) -> tuple[list[dict], list[dict]]:
    """The expiry job's use case: downgrade lapsed plans and queue the plan reminders due, in one unit
    of work (webapp/companies/reminders.py); the corporations downgraded and the reminders sent."""
    today = today or plan_today()
    with unit_of_work():
        expired = expire_plans(today)
        sent = reminders.queue_lapsed(expired, today) + reminders.queue_upcoming(today)
    return expired, sent
