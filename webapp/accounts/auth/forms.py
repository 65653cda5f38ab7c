"""Forms of the sign-up and login pages."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from webapp.accounts.form_checks import strong_password, valid_email
from webapp.accounts.services import email_taken
from webapp.companies.queries import name_taken
from webapp.core import limits


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=limits.EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Log in")


class SignupForm(FlaskForm):
    name = StringField("Company name", validators=[DataRequired(), Length(max=limits.COMPANY_NAME_MAX)])
    email = EmailField("Your email (admin login)", validators=[DataRequired(), valid_email])
    password = PasswordField("Password", validators=[DataRequired(), strong_password])
    confirm = PasswordField("Repeat the password",
                            validators=[DataRequired(), EqualTo("password", "The passwords differ.")])
    submit = SubmitField("Create company")

    def validate_name(self, field):
        if name_taken(field.data):
            raise ValidationError("That company name is already registered.")

    def validate_email(self, field):
        if email_taken(field.data):
            raise ValidationError("That email is already registered.")
