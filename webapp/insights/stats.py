"""Viewing figures of one corporation: views and points per video and per member."""
from sqlalchemy import func, select

from webapp.core.extensions import db
from webapp.models import User, Video, VideoView


def _views_per_video(corporation_id: int):
    return (
        select(VideoView.video_id, func.count().label("views"),
               func.sum(VideoView.points_awarded).label("points"))
        .join(Video, Video.id == VideoView.video_id)
        .where(Video.corporation_id == corporation_id)
        .group_by(VideoView.video_id)
        .subquery()
    )


def video_stats_query(corporation_id: int):
    """Rows (video, views, points awarded) for every video of the corporation, most watched first."""
    totals = _views_per_video(corporation_id)
    views = func.coalesce(totals.c.views, 0).label("views")
    points = func.coalesce(totals.c.points, 0).label("points")
    return (
        select(Video, views, points)
        .outerjoin(totals, totals.c.video_id == Video.id)
        .where(Video.corporation_id == corporation_id)
        .order_by(views.desc(), Video.title, Video.id)
    )


def member_stats_query(corporation_id: int):
    """Rows (member, videos watched, points earned from views) for active members, keenest first."""
    watched = func.count(VideoView.id).label("watched")
    points = func.coalesce(func.sum(VideoView.points_awarded), 0).label("points")
    return (
        select(User, watched, points)
        .outerjoin(VideoView, VideoView.user_id == User.id)
        .where(User.corporation_id == corporation_id, User.deleted_at.is_(None))
        .group_by(User.id)
        .order_by(watched.desc(), User.email)
    )


def totals(corporation_id: int) -> dict:
    """Headline numbers: views, distinct viewers, distinct videos watched, points awarded."""
    row = db.session.execute(
        select(func.count(VideoView.id), func.count(func.distinct(VideoView.user_id)),
               func.count(func.distinct(VideoView.video_id)),
               func.coalesce(func.sum(VideoView.points_awarded), 0))
        .join(Video, Video.id == VideoView.video_id)
        .where(Video.corporation_id == corporation_id)
    ).one()
    return {"views": row[0], "viewers": row[1], "videos": row[2], "points": row[3]}


def top(query, limit: int = 10) -> list:
    """The first rows of a stats query that have at least one view."""
    return [row for row in db.session.execute(query.limit(limit)).all() if row[1] > 0]
