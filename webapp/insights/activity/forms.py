"""The Activity page's filter form (GET, so no CSRF token)."""
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from webapp.insights.audit import ACTION_LABELS, SYSTEM


class ActivityFilterForm(FlaskForm):
    class Meta:
        csrf = False

    member = SelectField("Who", default="")
    action = SelectField("Action", default="", choices=[SelectChoice("", "Any action")] + [
        SelectChoice(action, label) for action, label in sorted(ACTION_LABELS.items(), key=lambda item: item[1])
    ])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("Until", validators=[Optional()])

    def set_members(self, members):
        """Offer the corporation's people (and the system) as the "who" choices."""
        self.member.choices = [SelectChoice("", "Anyone"), SelectChoice(SYSTEM, "System (scheduled jobs)")] + [
            SelectChoice(str(m.id), m.email + (" (removed)" if m.deleted_at else "")) for m in members
        ]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

    def actor_filter(self):
        """The member filter for audit.events_query: None, "system" or a user id."""
        value = self.member.data
        if not value:
            return None
        return value if value == SYSTEM else int(value)
