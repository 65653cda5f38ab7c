"""Viewing figures of one corporation: views, points and watch time per video and per member."""
from sqlalchemy import case, func, select

from webapp.core.extensions import db
from webapp.models import User, Video, VideoView
from webapp.models_watching import WatchPosition


def _views_per_video(corporation_id: int):
    return (
        select(VideoView.video_id, func.count().label("views"),
               func.sum(VideoView.points_awarded).label("points"))
        .join(Video, Video.id == VideoView.video_id)
        .where(Video.corporation_id == corporation_id)
        .group_by(VideoView.video_id)
        .subquery()
    )


def _share_watched(duration):
    """A viewer's watch time as a share of the duration, at most 1 (NULL while the duration is unknown)."""
    ratio = WatchPosition.seconds_watched / duration
    return case((duration.is_(None), None), (duration <= 0, None), (ratio > 1, 1.0), else_=ratio)


def _watching_per_video(corporation_id: int):
    """Per video: viewers with a saved position, how many completed it, seconds watched, and the sum of
    each viewer's share of the duration watched (at most 1 each)."""
    share = _share_watched(Video.duration_seconds)
    return (
        select(WatchPosition.video_id, func.count().label("viewers"),
               func.sum(case((WatchPosition.completed, 1), else_=0)).label("completed"),
               func.sum(WatchPosition.seconds_watched).label("seconds"),
               func.avg(share).label("share"))
        .join(Video, Video.id == WatchPosition.video_id)
        .where(Video.corporation_id == corporation_id)
        .group_by(WatchPosition.video_id)
        .subquery()
    )


def video_stats_query(corporation_id: int):
    """Rows (video, views, points awarded, seconds watched, completion rate 0–1 or None, average share
    watched 0–1 or None) for every video of the corporation, most watched first."""
    totals = _views_per_video(corporation_id)
    watching = _watching_per_video(corporation_id)
    views = func.coalesce(totals.c.views, 0).label("views")
    points = func.coalesce(totals.c.points, 0).label("points")
    seconds = func.coalesce(watching.c.seconds, 0).label("seconds")
    completion = (watching.c.completed * 1.0 / watching.c.viewers).label("completion")
    return (
        select(Video, views, points, seconds, completion, watching.c.share)
        .outerjoin(totals, totals.c.video_id == Video.id)
        .outerjoin(watching, watching.c.video_id == Video.id)
        .where(Video.corporation_id == corporation_id)
        .order_by(views.desc(), seconds.desc(), Video.title, Video.id)
    )


def member_stats_query(corporation_id: int):
    """Rows (member, videos watched, points earned from views, seconds watched) for active members,
    keenest first."""
    watched = func.count(VideoView.id).label("watched")
    points = func.coalesce(func.sum(VideoView.points_awarded), 0).label("points")
    seconds = (select(func.coalesce(func.sum(WatchPosition.seconds_watched), 0))
               .where(WatchPosition.user_id == User.id).scalar_subquery().label("seconds"))
    return (
        select(User, watched, points, seconds)
        .outerjoin(VideoView, VideoView.user_id == User.id)
        .where(User.corporation_id == corporation_id, User.deleted_at.is_(None))
        .group_by(User.id)
        .order_by(watched.desc(), User.email)
    )


def video_watch_stats(video: Video) -> dict:
    """One video's figures: views, viewers, seconds watched, completion rate, average percent watched."""
    views = db.session.scalar(select(func.count()).where(VideoView.video_id == video.id))
    viewers, completed, seconds, share = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((WatchPosition.completed, 1), else_=0)), 0),
               func.coalesce(func.sum(WatchPosition.seconds_watched), 0),
               func.avg(_share_watched(Video.duration_seconds)))
        .join(Video, Video.id == WatchPosition.video_id)
        .where(WatchPosition.video_id == video.id)
    ).one()
    average = None
    if video.duration_seconds:
        average = round(float(share or 0) * 100, 1)
    return {"views": views, "viewers": viewers, "seconds_watched": round(float(seconds), 1),
            "completion_rate": round(completed / viewers, 4) if viewers else 0.0,
            "average_percent_watched": average}


def top_watch_time(corporation_id: int, limit: int = 10) -> list[tuple[str, float]]:
    """(title, seconds watched) of the videos watched longest (at least a minute in all), longest first."""
    seconds = func.sum(WatchPosition.seconds_watched)
    return [tuple(row) for row in db.session.execute(
        select(Video.title, seconds).join(WatchPosition, WatchPosition.video_id == Video.id)
        .where(Video.corporation_id == corporation_id).group_by(Video.id, Video.title)
        .having(seconds >= 30).order_by(seconds.desc(), Video.id).limit(limit))]


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
