"""Reading members: tenant-scoped loading (another corporation's id is a 404) and the list queries."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.core.exceptions import NotFound
from webapp.core.extensions import db
from webapp.models import User, VideoView, normalise_email


def scoped_member_or_404(user: User, member_id: int) -> User:
    """An active member of the user's corporation, else NotFound."""
    member = db.session.scalar(
        select(User).where(
            User.id == member_id,
            User.corporation_id == user.corporation_id,
            User.deleted_at.is_(None),
        )
    )
    if member is None:
        raise NotFound()
    return member


def members_query(corporation_id: int, email_search: str | None = None):
    """Active members of a corporation, optionally filtered by part of the email."""
    query = select(User).where(User.corporation_id == corporation_id, User.deleted_at.is_(None))
    if email_search:
        query = query.where(User.email.contains(normalise_email(email_search), autoescape=True))
    return query.order_by(User.email)


def views_of_user_query(user_id: int):
    """A user's watch history, newest first."""
    return (
        select(VideoView)
        .where(VideoView.user_id == user_id)
        .options(joinedload(VideoView.video))
        .order_by(VideoView.created_at.desc(), VideoView.id.desc())
    )
