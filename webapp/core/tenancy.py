"""Tenant-scoped loading: every row a user touches is fetched through these helpers.

Another corporation's id, a soft-deleted row or a missing one are the same thing to the
caller: a 404.
"""
from flask import abort
from sqlalchemy import select

from webapp.core.extensions import db
from webapp.models import User, Video


def scoped_video_or_404(user, video_id, *, include_trash=False) -> Video:
    """A video of the user's corporation (not in the trash unless asked), else 404."""
    query = select(Video).where(Video.id == video_id, Video.corporation_id == user.corporation_id)
    if not include_trash:
        query = query.where(Video.deleted_at.is_(None))
    video = db.session.scalar(query)
    if video is None:
        abort(404)
    return video


def scoped_trashed_video_or_404(user, video_id) -> Video:
    """A video in the trash of the user's corporation, else 404."""
    video = scoped_video_or_404(user, video_id, include_trash=True)
    if video.deleted_at is None:
        abort(404)
    return video


def scoped_member_or_404(user, member_id) -> User:
    """An active member of the user's corporation, else 404."""
    member = db.session.scalar(
        select(User).where(
            User.id == member_id,
            User.corporation_id == user.corporation_id,
            User.deleted_at.is_(None),
        )
    )
    if member is None:
        abort(404)
    return member
