"""The audit log: services call record() inside their own transaction, never commit here."""
from flask import has_request_context, request

from webapp.extensions import db
from webapp.models import AuditEvent


def client_ip():
    """The client address as Flask sees it (ProxyFix, when configured, has already applied)."""
    return request.remote_addr if has_request_context() else None


def record(corporation_id, actor, action, target=None, **details):
    """Add an audit row to the current transaction; actor None means the system."""
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
