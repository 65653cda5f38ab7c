"""Row factories for tests: small functions that commit, with sensible defaults."""
import functools
import itertools
from datetime import UTC, date, datetime, timedelta

from werkzeug.security import generate_password_hash

from webapp.core.clock import plan_today, utcnow
from webapp.core.extensions import db
from webapp.media.storage import type_from_url
from webapp.models import AuditEvent, Corporation, User, Video
from webapp.models_email import Invitation
from webapp.models_watching import WatchPosition

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_corporation(name=None, plan="free", plan_expires_at=None, **fields):
    """A corporation; plan="paid" defaults to expiring in 30 days."""
    if plan == "paid" and plan_expires_at is None:
        plan_expires_at = plan_today() + timedelta(days=30)
    fields.setdefault("activated_at", datetime.now(UTC))  # signed up and confirmed
    corporation = Corporation(name=name or f"Company {next(_seq)}", plan=plan,
                              plan_expires_at=plan_expires_at, **fields)
    db.session.add(corporation)
    db.session.commit()
    return corporation


def make_user(corporation=None, role="guest", email=None, password=PASSWORD, **fields):
    """A member (guest unless role="admin") of the corporation (a new one if omitted)."""
    corporation = corporation or make_corporation()
    user = User(corporation=corporation, role=role, email=email or f"user{next(_seq)}@example.example.com",
                **fields)
    user.password_hash = password_hash(password)
    db.session.add(user)
    db.session.commit()
    return user


@functools.cache
def password_hash(password: str) -> str:
    """A real hash of `password`, computed once per test run (hashing is slow by design)."""
    return generate_password_hash(password)


def make_admin(corporation=None, **fields):
    return make_user(corporation, role="admin", **fields)


def make_video(corporation=None, title=None, source_url="http://origin.test/clip.mp4", file_key=None,
               **fields):
    """A URL video by default; pass file_key (and source_url=None) for an upload."""
    corporation = corporation or make_corporation()
    if file_key:
        source_url = None
    if source_url:
        fields.setdefault("content_type", type_from_url(source_url))
    video = Video(corporation=corporation, title=title or f"Video {next(_seq)}",
                  source_url=source_url, file_key=file_key, **fields)
    db.session.add(video)
    db.session.commit()
    return video


def make_watch(user, video, seconds_watched=0.0, position_seconds=0.0, completed=False):
    """A member's saved place in a video with the watch time it added up to (as the player's saves would)."""
    row = WatchPosition(user_id=user.id, video_id=video.id, seconds_watched=seconds_watched,
                        position_seconds=position_seconds, completed=completed, updated_at=utcnow())
    db.session.add(row)
    db.session.commit()
    return row


def days_from_today(days: int) -> date:
    return plan_today() + timedelta(days=days)


def make_audit_event(corporation, actor, action, target=None, when=None, ip="198.51.100.7", **details):
    """An audit row as a service would write it, at `when` (default now)."""
    row = AuditEvent(corporation_id=corporation.id, actor_id=actor.id if actor else None, action=action,
                     target_type=type(target).__name__.lower() if target else None,
                     target_id=target.id if target else None, details=details or None, ip=ip,
                     created_at=when or datetime.now(UTC))
    db.session.add(row)
    db.session.commit()
    return row


def make_invitation(corporation, email=None, role="guest", invited_by=None, expires_in=timedelta(hours=72)):
    """A pending invitation (its link is not known: tests that follow links invite through the app)."""
    now = datetime.now(UTC)
    invitation = Invitation(corporation_id=corporation.id, email=email or f"invitee{next(_seq)}@example.example.com",
                            role=role, invited_by_id=invited_by.id if invited_by else None,
                            nonce_hash="0" * 64, sent_at=now, expires_at=now + expires_in)
    db.session.add(invitation)
    db.session.commit()
    return invitation
