"""Template globals and filters shared by every page: plan badge, sizes, dates and numbers.

Dates, times and numbers are formatted by Babel for the request's language, in the company's zone.
"""
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.core import limits
from webapp.core.clock import plan_today, plan_zone
from webapp.core.i18n import (
    LANGUAGES,
    company_zone_name,
    format_bytes,
    format_day,
    format_duration,
    format_moment,
    role_name,
)
from webapp.core.pages import isolate


def plan_badge(corporation):
    """The text of the layout's plan badge, from the company's plan_state: Free, Paid until DATE, Expired DATE."""
    if corporation is None:
        return ""
    state = corporation.plan_state
    if state == "paid":
        return _("Paid until %(date)s", date=format_day(corporation.plan_expires_at))
    if state == "expired":
        return _("Expired %(date)s", date=format_day(corporation.plan_expires_at))
    return _("Free")


def plan_name(plan, expires_on=None):
    """A plan in words for the plan history: Free, or Paid until DATE."""
    if plan == "paid":
        return _("Paid until %(date)s", date=format_day(expires_on)) if expires_on else _("Paid")
    return _("Free")


def plan_end_moment(expires_on):
    """The instant a paid plan ends: the midnight after its expiry date, in PLAN_TIMEZONE."""
    return datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=plan_zone())


# (endpoint, label, admin only). Entries whose endpoint is not registered are skipped,
# so a feature adds its page here once and the layout shows it to the right people.
NAV_ITEMS = [
    ("library.index", _l("Library"), False),
    ("videos.index", _l("Videos"), True),
    ("members.index", _l("Members"), True),
    ("trash.index", _l("Trash"), True),
    ("analytics.index", _l("Analytics"), True),
    ("activity.index", _l("Activity"), True),
    ("plans.index", _l("Plan"), True),
    ("account.index", _l("My account"), False),
]


def nav_items(user):
    """The navigation entries this user may see."""
    if not getattr(user, "is_authenticated", False):
        return []
    endpoints = current_app.view_functions
    return [
        (endpoint, str(label))
        for endpoint, label, admin_only in NAV_ITEMS
        if endpoint in endpoints and (user.is_admin or not admin_only)
    ]


def current_locale() -> str:
    """The request's language code for <html lang>."""
    return str(get_locale() or "en")


def register(app):
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["plan_badge"] = plan_badge
    app.jinja_env.globals["plan_name"] = plan_name
    app.jinja_env.globals["plan_today"] = plan_today
    app.jinja_env.globals["limits"] = limits
    app.jinja_env.globals["plan_end_moment"] = plan_end_moment
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["company_zone"] = company_zone_name
    app.jinja_env.globals["role_name"] = role_name
    app.jinja_env.filters["bytes"] = format_bytes
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["isolate"] = isolate

    @app.context_processor
    def inject_settings():
        return {"view_points": current_app.config["VIEW_POINTS"],
                "undo_seconds": current_app.config["UNDO_DELETE_SECONDS"]}
