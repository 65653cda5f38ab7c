"""Languages and time zones: which locale and zone a request is shown in, and the language switch.

The language is the member's saved choice (My account), else the browser's Accept-Language, else
the company's default language, else English. The API's error messages follow Accept-Language only.
Times are shown in the company's time zone (an IANA name); outside a company, in PLAN_TIMEZONE.
"""
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app, has_request_context, request, session
from flask_babel import Babel, format_date, format_decimal, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

babel = Babel()

DEFAULT_LOCALE = "en"
# (code, name in its own language): the switcher shows each language in that language.
LANGUAGES = (("en", "English"), ("ko", "한국어"))
LOCALES = tuple(code for code, _ in LANGUAGES)
SESSION_KEY = "locale"


def is_locale(value) -> bool:
    """True for a language the product is translated into."""
    return value in LOCALES


def is_timezone(name) -> bool:
    """True for an IANA time zone name known to this system (e.g. Asia/Seoul)."""
    if not isinstance(name, str) or len(name) > 64 or name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def _zone_names() -> frozenset:
    """The zone names of the system's IANA database (read once)."""
    return frozenset(available_timezones())


def timezone_choices():
    """Every IANA zone name, sorted, for the company settings form."""
    return sorted(name for name in _zone_names() if "/" in name or name == "UTC")


def _signed_in_user():
    user = current_user if has_request_context() else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def select_locale():
    """The request's language: saved choice, Accept-Language, company default, English."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if request.path.startswith("/api"):
        return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE
    user = _signed_in_user()
    chosen = (user.locale if user is not None else None) or session.get(SESSION_KEY)
    if is_locale(chosen):
        return chosen
    from_browser = request.accept_languages.best_match(LOCALES)
    if from_browser:
        return from_browser
    if user is not None and is_locale(user.corporation.locale):
        return user.corporation.locale
    return DEFAULT_LOCALE


def company_zone_name(corporation=None) -> str:
    """The IANA zone the company's times are shown in (PLAN_TIMEZONE without a company)."""
    if corporation is None:
        user = _signed_in_user()
        corporation = user.corporation if user is not None else None
    name = getattr(corporation, "timezone", None)
    return name if is_timezone(name) else current_app.config["PLAN_TIMEZONE"]


def select_timezone():
    """Flask-Babel's time zone for this request: the signed-in member's company zone."""
    return company_zone_name()


def register(app):
    """Bind Babel to the app with our selectors and the catalogues under webapp/translations."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories="translations")


def remember_in_session(locale: str | None) -> None:
    """Keep a language choice in the session (it survives logging in); None forgets it."""
    if locale:
        session[SESSION_KEY] = locale
    else:
        session.pop(SESSION_KEY, None)


def browser_zone(name):
    """The time zone a sign-up browser reported, when it is a valid IANA name; else None."""
    return name if is_timezone(name) else None


# Roles in words (the role values are those of webapp.models, which core does not import).
ROLE_NAMES = {"admin": _l("admin"), "guest": _l("guest")}


def role_name(role: str) -> str:
    """A role in words, in the request's language."""
    return str(ROLE_NAMES.get(role, role))


def format_moment(value):
    """A timestamp shown to people, in the company's zone and the request's language:
    "March 9, 2026 12:00 PM", "2026년 3월 9일 오후 12:00"."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(company_zone_name()))  # zoneinfo knows DST rules past 2037
    time_pattern = get_locale().time_formats["short"].pattern.replace("a", "aaaa")  # 오후, not PM
    return f'{format_date(local, "long", rebase=False)} {format_time(local, time_pattern, rebase=False)}'


def format_day(value):
    """A calendar date (plan expiry dates are dates, not moments)."""
    if value is None:
        return ""
    return format_date(value, "long")


def format_bytes(size):
    """Human-readable size in the request's language: 1.5 MB."""
    if size is None:
        return _("unknown")
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            number = format_decimal(size, format="#,##0" if unit == "B" else "#,##0.0")
            return f"{number} {unit}"
        size /= 1024


def format_duration(seconds):
    """A video's length as players show it: m:ss, or h:mm:ss from an hour on; empty when unknown."""
    if seconds is None:
        return ""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
