"""Forms of the sign-up and login pages."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from webapp.accounts.emails import email_problem
from webapp.accounts.passwords import password_problem
from webapp.accounts.services import email_taken, name_taken


def valid_email(form, field):
    problem = email_problem(field.data)
    if problem:
        raise ValidationError(problem)


def strong_password(form, field):
    problem = password_problem(field.data)
    if problem:
        raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Log in"))


class SignupForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)])
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

    def validate_email(self, field):
        if email_taken(field.data):
            raise ValidationError(_("That email is already registered."))
