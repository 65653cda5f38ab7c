"""Forms of the members pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo

from webapp.accounts.form_checks import strong_password, valid_email
from webapp.core.kept_forms import PageForm

ROLE_CHOICES = [SelectChoice("guest", _l("Guest (watches videos)")),
                SelectChoice("admin", _l("Admin (manages the company)"))]


class AddMemberForm(PageForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), valid_email])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="guest")
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), strong_password])
    submit = SubmitField(_l("Add member"))
    # A taken address is the service's answer (409), which also tells its owner (membership.add_member).


class InviteForm(PageForm):
    """The invitation form that leads the Members page."""

    email = EmailField(_l("Email"), validators=[DataRequired(), valid_email])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="guest")
    submit = SubmitField(_l("Send invitation"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice("guest", _l("Guest")), SelectChoice("admin", _l("Admin"))])
    submit = SubmitField(_l("Change role"))


class ResetPasswordForm(PageForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), strong_password])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
    submit = SubmitField(_l("Set the new password"))
