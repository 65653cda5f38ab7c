"""Forms of the sign-up and login pages."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from webapp.accounts.form_checks import strong_password, valid_email
from webapp.companies.queries import name_taken
from webapp.core import limits
from webapp.core.kept_forms import PageForm


class LoginForm(PageForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=limits.EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Log in"))


class SignupForm(PageForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=limits.COMPANY_NAME_MAX)])
    email = EmailField(_l("Your email (admin login)"), validators=[DataRequired(), valid_email])
    password = PasswordField(_l("Password"), validators=[DataRequired(), strong_password])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
    # Filled in by static/js/timezone.js with the browser's IANA zone; checked by the service.
    timezone = HiddenField()
    submit = SubmitField(_l("Create company"))

    def validate_name(self, field):
        if name_taken(field.data):
            raise ValidationError(_("That company name is already registered."))

    # No check that the email is free: the answer is the same either way (webapp/accounts/signup.py).


class ForgotPasswordForm(PageForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), valid_email])
    submit = SubmitField(_l("Send me a link"))


class ResendConfirmationForm(PageForm):
    """"Didn't get the mail?": a new confirmation link for a sign-up (also the login page's button)."""

    email = EmailField(_l("Email"), validators=[DataRequired(), valid_email])
    submit = SubmitField(_l("Send me a new link"))


class NewPasswordForm(PageForm):
    """Choose a password: accepting an invitation, or from a reset link."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), strong_password])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
    submit = SubmitField(_l("Set my password"))


class ConfirmForm(PageForm):
    """The button of the sign-up confirmation page (following the link alone changes nothing)."""

    submit = SubmitField(_l("Confirm and activate"))
