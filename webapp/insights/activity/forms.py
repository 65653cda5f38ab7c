"""The Activity page's filter form (GET, so no CSRF token)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from webapp.insights.audit import ACTION_LABELS, SYSTEM


class ActivityFilterForm(FlaskForm):
    class Meta:
        csrf = False

    member = SelectField(_l("Who"), default="")
    action = SelectField(_l("Action"), default="")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = sorted(((action, str(label)) for action, label in ACTION_LABELS.items()), key=lambda item: item[1])
        self.action.choices = [SelectChoice("", _("Any action"))] + [SelectChoice(a, label) for a, label in labels]

    def set_members(self, members):
        """Offer the corporation's people (and the system) as the "who" choices."""
        self.member.choices = [SelectChoice("", _("Anyone")), SelectChoice(SYSTEM, _("System (scheduled jobs)"))] + [
            SelectChoice(str(m.id), _("%(email)s (removed)", email=m.email) if m.deleted_at else m.email)
            for m in members
        ]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The end date is before the start date."))

    def actor_filter(self):
        """The member filter for audit.events_query: None, "system" or a user id."""
        value = self.member.data
        if not value:
            return None
        return value if value == SYSTEM else int(value)
