"""Template globals and filters shared by every page."""
from flask import current_app

from webapp.core import limits
from webapp.core.clock import plan_today


def plan_badge(corporation):
    """The text of the layout's plan badge, from the company's plan_state: Free, Paid until DATE, Expired DATE."""
    if corporation is None:
        return ""
    state = corporation.plan_state
    if state == "paid":
        return f"Paid until {corporation.plan_expires_at.isoformat()}"
    if state == "expired":
        return f"Expired {corporation.plan_expires_at.isoformat()}"
    return "Free"


def format_bytes(size):
    """Human-readable size: 1.5 MB."""
    if size is None:
        return "unknown"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024


def format_datetime(value):
    """Timestamps shown to people: YYYY-MM-DD HH:MM UTC."""
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M UTC")


# (endpoint, label, admin only). Entries whose endpoint is not registered are skipped,
# so a feature adds its page here once and the layout shows it to the right people.
NAV_ITEMS = [
    ("library.index", "Library", False),
    ("videos.index", "Videos", True),
    ("members.index", "Members", True),
    ("trash.index", "Trash", True),
    ("analytics.index", "Analytics", True),
    ("activity.index", "Activity", True),
    ("plans.index", "Plan", True),
    ("account.index", "My account", False),
]


def nav_items(user):
    """The navigation entries this user may see."""
    if not getattr(user, "is_authenticated", False):
        return []
    endpoints = current_app.view_functions
    return [
        (endpoint, label)
        for endpoint, label, admin_only in NAV_ITEMS
        if endpoint in endpoints and (user.is_admin or not admin_only)
    ]


def register(app):
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["plan_badge"] = plan_badge
    app.jinja_env.globals["plan_today"] = plan_today
    app.jinja_env.globals["limits"] = limits
    app.jinja_env.filters["bytes"] = format_bytes
    app.jinja_env.filters["datetime"] = format_datetime

    @app.context_processor
    def inject_settings():
        return {"view_points": current_app.config["VIEW_POINTS"]}
