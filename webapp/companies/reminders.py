"""Plan reminders: admins are mailed 7 days and 1 day before a paid plan lapses, and when it lapsed.

Each reminder is sent at most once per plan period (the period is the plan's expiry date): the row in
plan_reminders is inserted with ON CONFLICT DO NOTHING RETURNING in the same transaction that queues
the mails, so a rerun, a run on the next day or a second scheduler finds the row and sends nothing.
The windows catch up a missed day: a plan with 2 to 7 days left gets the 7-day reminder, a plan on
its last day or the day before gets the 1-day one.
"""
from datetime import date, timedelta

from sqlalchemy import DateTime, String, and_, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from webapp.core import mail
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import PLAN_PAID, ROLE_ADMIN, Corporation, User
from webapp.models_email import REMINDER_1_DAY, REMINDER_7_DAYS, REMINDER_LAPSED, PlanReminder

INSERT_BY_DIALECT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
WINDOWS = {REMINDER_7_DAYS: (2, 7), REMINDER_1_DAY: (0, 1)}  # days left before the expiry date, inclusive


def _claim(condition, kind: str) -> list:
    """Insert a reminder row of `kind` for every corporation matching `condition` (its current expiry
    date is the period); returns the rows this statement inserted: the others were sent before."""
    insert = INSERT_BY_DIALECT[db.session.get_bind().dialect.name]
    rows = select(Corporation.id, literal(kind, String), Corporation.plan_expires_at,
                  literal(utcnow(), DateTime(timezone=True))).where(condition)
    statement = (
        insert(PlanReminder)
        .from_select(["corporation_id", "kind", "plan_expires_at", "created_at"], rows)
        .on_conflict_do_nothing(index_elements=["corporation_id", "kind", "plan_expires_at"])
        .returning(PlanReminder.corporation_id, PlanReminder.plan_expires_at)
    )
    return db.session.execute(statement).all()


def queue_upcoming(today: date) -> list[dict]:
    """Claim and queue the 7-day and 1-day reminders due today (a step of the expiry job's unit of work)."""
    sent = []
    for kind, (fewest, most) in WINDOWS.items():
        due = and_(Corporation.plan == PLAN_PAID, Corporation.deleted_at.is_(None),
                   Corporation.activated_at.is_not(None),
                   Corporation.plan_expires_at >= today + timedelta(days=fewest),
                   Corporation.plan_expires_at <= today + timedelta(days=most))
        for corporation_id, expires_on in _claim(due, kind):
            sent.append(_mail_admins(corporation_id, kind, expires_on, today))
    return sent


def queue_lapsed(expired: list[dict], today: date) -> list[dict]:
    """Claim and queue the "your plan lapsed" reminders of the corporations just downgraded."""
    if not expired:
        return []
    lapsed = and_(Corporation.id.in_([c["id"] for c in expired]), Corporation.plan_expires_at.is_not(None),
                  Corporation.deleted_at.is_(None))
    return [_mail_admins(corporation_id, REMINDER_LAPSED, expires_on, today)
            for corporation_id, expires_on in _claim(lapsed, REMINDER_LAPSED)]


def _mail_admins(corporation_id: int, kind: str, expires_on: date, today: date) -> dict:
    corporation = db.session.get(Corporation, corporation_id)
    admins = db.session.scalars(select(User).where(
        User.corporation_id == corporation_id, User.role == ROLE_ADMIN, User.deleted_at.is_(None))).all()
    for admin in admins:
        mail.send_after_commit("plan_reminder", admin.email, admin.locale or corporation.locale, kind=kind,
                               company=corporation.name, expires_on=expires_on,
                               days_left=(expires_on - today).days, link=("plans.index", {}))
    return {"corporation_id": corporation_id, "name": corporation.name, "kind": kind,
            "expires_on": expires_on.isoformat(), "admins": len(admins)}
