"""The audit log: services call record() inside their own transaction; events_query() reads it back."""
from datetime import UTC, date, datetime, time, timedelta

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.core.extensions import db
from webapp.models import AuditEvent, Corporation, User

SYSTEM = "system"  # the actor filter value for events written by scheduled jobs

# Every action the services record, in words; the Activity page and the API both use these.
ACTION_LABELS = {
    "corporation.created": _l("Company signed up"),
    "corporation.renamed": _l("Company renamed"),
    "corporation.settings_changed": _l("Language and time zone changed"),
    "corporation.deleted": _l("Company deleted"),
    "member.added": _l("Member added"),
    "member.removed": _l("Member removed"),
    "member.role_changed": _l("Role changed"),
    "member.password_reset": _l("Password reset"),
    "sessions.revoked": _l("Sessions logged out"),
    "member.sessions_revoked": _l("Member's sessions logged out"),
    "api.login": _l("API login"),
    "api.refresh_token_reused": _l("Reused API token refused, sessions ended"),
    "video.added": _l("Video added"),
    "video.edited": _l("Video edited"),
    "video.trashed": _l("Video moved to the trash"),
    "video.restored": _l("Video restored from the trash"),
    "video.purged": _l("Video deleted forever"),
    "video.poster_changed": _l("Video poster changed"),
    "video.captions_added": _l("Captions added"),
    "video.captions_removed": _l("Captions removed"),
    "plan.changed": _l("Plan changed"),
    "plan.expired": _l("Plan expired"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.resent": _l("Invitation sent again"),
    "invitation.revoked": _l("Invitation revoked"),
    "invitation.accepted": _l("Invitation accepted"),
    "password.reset_by_link": _l("Password reset by e-mail link"),
    "corporation.confirmed": _l("Company sign-up confirmed"),
}
TARGET_NAMES = {"user": (_l("Member"), "email"), "video": (_l("Video"), "title"),
                "corporation": (_l("Company"), "name"), "invitation": (_l("Invitation"), "email")}


def client_ip():
    """The client address as Flask sees it (ProxyFix, when configured, has already applied)."""
    return request.remote_addr if has_request_context() else None


def record(corporation_id, actor, action, target=None, **details):
    """Add an audit row to the current transaction; actor None means the system.

    Reading ids must not flush the action's pending changes here: a failing write has to surface
    at the service's commit, where it is turned into a clear error.
    """
    with db.session.no_autoflush:
        event = AuditEvent(
            corporation_id=corporation_id,
            actor_id=actor.id if actor is not None else None,
            action=action,
            target_type=type(target).__name__.lower() if target is not None else None,
            target_id=getattr(target, "id", None),
            details=details or None,
            ip=client_ip(),
        )
    db.session.add(event)
    return event


def day_start(day: date, zone=UTC) -> datetime:
    """The first instant of `day` in `zone`."""
    return datetime.combine(day, time.min, tzinfo=zone)


def events_query(corporation_id: int, actor_id: int | str | None = None, action: str | None = None,
                 date_from: date | None = None, date_to: date | None = None, zone=UTC):
    """A corporation's audit events, newest first; actor_id "system" selects the scheduled jobs' events.

    Dates are days in `zone` (the pages pass the company's zone, the API uses UTC), both ends
    included. Only this corporation's rows can ever match.
    """
    query = select(AuditEvent).where(AuditEvent.corporation_id == corporation_id)
    if actor_id == SYSTEM:
        query = query.where(AuditEvent.actor_id.is_(None))
    elif actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if date_from:
        query = query.where(AuditEvent.created_at >= day_start(date_from, zone))
    if date_to and date_to < date.max:
        query = query.where(AuditEvent.created_at < day_start(date_to + timedelta(days=1), zone))
    return query.options(selectinload(AuditEvent.actor)).order_by(
        AuditEvent.created_at.desc(), AuditEvent.id.desc()
    )


def possible_actors(corporation_id: int) -> list[User]:
    """Everyone of a corporation who can appear as an actor (removed members included)."""
    return list(db.session.scalars(select(User).where(User.corporation_id == corporation_id).order_by(User.email)))


def action_label(action: str) -> str:
    """An action in words."""
    label = ACTION_LABELS.get(action)
    return str(label) if label else action.replace(".", " ").replace("_", " ").capitalize()


def actor_label(event: AuditEvent) -> str:
    """Who did it: an email, or "System" for scheduled jobs."""
    return event.actor.email if event.actor is not None else _("System")


def target_label(event: AuditEvent) -> str:
    """What it was done to, in words: Video “Intro” (#3)."""
    if not event.target_type:
        return ""
    kind, name_key = TARGET_NAMES.get(event.target_type, (event.target_type.capitalize(), None))
    details = event.details or {}
    name = details.get(name_key) or details.get("new_name") if name_key else None
    if not name and event.target_type == "corporation":  # events of the company itself: its current name
        corporation = db.session.get(Corporation, event.corporation_id)
        name = corporation.name if corporation is not None else None
    number = f"#{event.target_id}" if event.target_id is not None else ""
    if name:
        return _("%(kind)s “%(name)s” (%(number)s)", kind=kind, name=name, number=number)
    return f"{kind} {number}".strip()


EDITED_FIELDS = {"title": _l("title"), "source_url": _l("source URL")}


def change_label(event: AuditEvent) -> str:
    """The change itself, when there is more to say than the action: old → new."""
    details = event.details or {}
    pairs = [("old_role", "new_role"), ("old_plan", "new_plan"), ("old_name", "new_name"),
             ("old_locale", "new_locale"), ("old_timezone", "new_timezone")]
    parts = [f"{details[old]} → {details[new]}" for old, new in pairs if old in details and new in details]
    if details.get("expires_at") and event.action == "plan.changed":
        parts.append(_("until %(date)s", date=details["expires_at"]))
    if details.get("expired_on"):
        parts.append(_("expired on %(date)s", date=details["expired_on"]))
    if details.get("reason") == "password_changed":
        parts.append(_("after a password change"))
    for key in ("title", "source_url"):
        if event.action == "video.edited" and key in details:
            parts.append(f"{EDITED_FIELDS[key]}: {details[key]}")
    return ", ".join(parts)
