"""Form field checks the account screens share: the same email and password rules as the services."""
from wtforms.validators import ValidationError

from webapp.accounts.emails import email_problem
from webapp.accounts.passwords import password_problem


def valid_email(form, field):
    """A WTForms validator: the address must be one we accept."""
    problem = email_problem(field.data)
    if problem:
        raise ValidationError(problem)


def strong_password(form, field):
    """A WTForms validator: the password must follow the password rules."""
    problem = password_problem(field.data)
    if problem:
        raise ValidationError(problem)
