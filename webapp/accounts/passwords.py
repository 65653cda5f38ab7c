"""Password rules shared by the pages and the API: length, and not one of the most common passwords."""
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _

from webapp.core.exceptions import ValidationFailed
from webapp.core.limits import PASSWORD_MAX, PASSWORD_MIN

# The 10 000 most common passwords, lower-case, one a line (from Django's list; see README).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common-password list, read once per process."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common_password(password: str) -> bool:
    """Is this password (in any letter case) on the common-password list?"""
    return password.strip().lower() in common_passwords()


def password_problem(password: str | None) -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if not password or len(password) < PASSWORD_MIN:
        return _("Use at least %(count)s characters.", count=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _("Use at most %(count)s characters.", count=PASSWORD_MAX)
    if is_common_password(password):
        return _("That password is too common: choose one that is harder to guess.")
    return None


def check_password_rules(password: str | None, field: str = "password") -> None:
    """Raise ValidationFailed (400) when the password breaks a rule."""
    problem = password_problem(password)
    if problem:
        raise ValidationFailed(problem, fields={field: [problem]})
