"""Rate-limit plumbing shared by every limited door: limits read from the config, the 429's timing and words."""
import math
import time

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.core.extensions import limiter


def setting(name):
    """A limit string read from the config at request time (tests and operators may change it)."""
    return lambda: current_app.config[name]


def retry_after_seconds(error) -> int:
    """Seconds until the breached limit lets requests through again (at least 1)."""
    seconds = getattr(error, "retry_after", None)
    if seconds is None:
        current = limiter.current_limit
        seconds = current.reset_at - time.time() if current is not None else 60
    if hasattr(seconds, "timestamp"):
        seconds = seconds.timestamp() - time.time()
    return max(1, math.ceil(seconds))


def retry_message(seconds: int) -> str:
    """Tell people when they may try again, in words."""
    if seconds < 90:
        wait = ngettext("%(num)s second", "%(num)s seconds", seconds)
    else:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(num)s minute", "%(num)s minutes", minutes)
    return _("Too many attempts. Please wait %(wait)s before trying again.", wait=wait)
