"""Email address validation shared by the pages and the API."""
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from webapp.core import limits
from webapp.core.exceptions import ValidationFailed
from webapp.models import normalise_email


def email_problem(email: str | None) -> str | None:
    """Why this email address is refused, or None."""
    if not email or len(email) > limits.EMAIL_MAX:
        return _("Enter an email address.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        return str(error)
    return None


def checked_email(email: str | None, field: str = "email") -> str:
    """The normalised address, or ValidationFailed (400) saying what is wrong."""
    problem = email_problem(email)
    if problem:
        raise ValidationFailed(problem, fields={field: [problem]})
    return normalise_email(email)
