"""Forms of the plan page."""
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from webapp.core import limits


class UpgradeForm(FlaskForm):
    plan_expires_at = DateField("Paid until", validators=[DataRequired("Choose a date.")])
    submit = SubmitField("Upgrade to paid")


class RenameForm(FlaskForm):
    name = StringField("Company name", validators=[DataRequired(), Length(max=limits.COMPANY_NAME_MAX)])
    submit = SubmitField("Rename")
