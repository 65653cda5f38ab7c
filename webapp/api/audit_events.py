"""/api/v1/audit-events: who did what in the caller's company (admins), with the Activity page's filters."""
from flask.views import MethodView
from flask_babel import gettext as _
from flask_jwt_extended import current_user as api_user
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from webapp.api.access import bearer_required
from webapp.api.blueprint import resource_blueprint
from webapp.api.pagination import page_schema, requested_page
from webapp.api.schemas import PageArgsSchema
from webapp.core.ids import MAX_ID
from webapp.insights import audit

blp = resource_blueprint("api_audit_events", __name__)
URL_PREFIX = "/api/v1/audit-events"
TAG = "Audit events"
DESCRIPTION = ("The audit log of the caller's company (admins): one event per admin action, and the "
               "scheduled plan expiry as the system. Another company's events never appear.")


class ActorSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)


class AuditEventSchema(Schema):
    """One audit event; `actor` is null for the system (scheduled jobs)."""

    id = fields.Integer(required=True)
    action = fields.String(required=True, metadata={"example": "member.added"})
    action_label = fields.Function(lambda event: audit.action_label(event.action), required=True,
                                   metadata={"type": "string", "example": "Member added"})
    actor = fields.Nested(ActorSchema, required=True, allow_none=True)
    target_type = fields.String(required=True, allow_none=True, metadata={"enum": ["user", "video", "corporation"]})
    target_id = fields.Integer(required=True, allow_none=True)
    target_label = fields.Function(audit.target_label, required=True, metadata={"type": "string"})
    details = fields.Dict(required=True, allow_none=True, metadata={"description": "What changed"})
    ip = fields.String(required=True, allow_none=True, metadata={"description": "Client address"})
    created_at = fields.DateTime(required=True)


class AuditEventArgsSchema(PageArgsSchema):
    member = fields.String(validate=validate.Regexp(r"^(system|[1-9][0-9]{0,9})$"),
                           metadata={"description": 'Events by this member of your company (an id), or "system"'})
    action = fields.String(validate=validate.OneOf(list(audit.ACTION_LABELS)))
    date_from = fields.Date(metadata={"description": "First day (UTC), included"})
    date_to = fields.Date(metadata={"description": "Last day (UTC), included"})

    @validates_schema
    def check(self, data, **kwargs):
        member = data.get("member")
        if member and member != audit.SYSTEM and int(member) > MAX_ID:
            raise ValidationError(_("Not a member id."), "member")
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError(_("The end date is before the start date."), "date_to")


@blp.route("", tags=[TAG])
class AuditEvents(MethodView):
    @bearer_required(blp, admin=True, read_only=True)
    @blp.arguments(AuditEventArgsSchema, location="query")
    @blp.response(200, page_schema(AuditEventSchema))
    def get(self, args):
        """The company's audit events, newest first; filter by member, action and dates (admins)."""
        member = args.get("member")
        query = audit.events_query(api_user.corporation_id,
                                   actor_id=int(member) if member and member != audit.SYSTEM else member,
                                   action=args.get("action"), date_from=args.get("date_from"),
                                   date_to=args.get("date_to"))
        return requested_page(query, args)
