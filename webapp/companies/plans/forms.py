"""Forms of the plan page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from webapp.core import limits
from webapp.core.i18n import LANGUAGES, timezone_choices


class UpgradeForm(FlaskForm):
    plan_expires_at = DateField(_l("Paid until"), validators=[DataRequired(_l("Choose a date."))])
    submit = SubmitField(_l("Upgrade to paid"))


class RenameForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=limits.COMPANY_NAME_MAX)])
    submit = SubmitField(_l("Rename"))


class SettingsForm(FlaskForm):
    locale = SelectField(_l("Default language"), choices=[
        SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES])
    timezone = SelectField(_l("Time zone"))
    submit = SubmitField(_l("Save language and time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(name, name) for name in timezone_choices()]
