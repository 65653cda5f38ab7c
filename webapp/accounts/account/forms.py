"""Form of the account page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo

from webapp.accounts.form_checks import strong_password
from webapp.core.i18n import LANGUAGES


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), strong_password])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", _l("The passwords differ."))])
    submit = SubmitField(_l("Change password"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[SelectChoice("", _l("The browser’s language"))] + [
        SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES])
    submit = SubmitField(_l("Save language"))
