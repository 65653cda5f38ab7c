"""Time helpers: one place that knows what "now" and "today" mean for plans."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow():
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def plan_zone():
    """The time zone in which plan expiry dates are understood (PLAN_TIMEZONE)."""
    return ZoneInfo(current_app.config["PLAN_TIMEZONE"])


def plan_today(now=None) -> date:
    """Today's date in PLAN_TIMEZONE (a plan is paid through the whole of its expiry date)."""
    now = now or utcnow()
    return now.astimezone(plan_zone()).date()
