"""Forms of the sign-up and login pages."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
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
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Log in")


class SignupForm(FlaskForm):
    name = StringField("Company name", validators=[DataRequired(), Length(max=120)])
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
