"""Forms of the members pages."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from webapp.accounts.form_checks import strong_password, valid_email
from webapp.accounts.services import email_taken

ROLE_CHOICES = [SelectChoice("guest", "Guest (watches videos)"),
                SelectChoice("admin", "Admin (manages the company)")]


class AddMemberForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), valid_email])
    role = SelectField("Role", choices=ROLE_CHOICES, default="guest")
    password = PasswordField("Initial password", validators=[DataRequired(), strong_password])
    submit = SubmitField("Add member")

    def validate_email(self, field):
        if email_taken(field.data):
            raise ValidationError("That email is already registered.")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice("guest", "Guest"), SelectChoice("admin", "Admin")])
    submit = SubmitField("Change role")


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), strong_password])
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("password", "The passwords differ.")])
    submit = SubmitField("Set the new password")
