"""Viewing use cases: credit a first view, and what the player shows about it."""
from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.dialects import postgresql, sqlite

from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.core.transactions import unit_of_work
from webapp.models import User, Video, VideoView

INSERT_BY_DIALECT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def record_view(user: User, video: Video) -> int:
    """Log the user's first view of a video and credit VIEW_POINTS, in one transaction.

    Returns the points this call awarded: VIEW_POINTS the first time, 0 afterwards. The unique
    (user, video) row decides: concurrent first requests insert once (ON CONFLICT DO NOTHING),
    and the credit is an atomic `points = points + n`, so no update is lost.
    """
    points = current_app.config["VIEW_POINTS"]
    insert = INSERT_BY_DIALECT[db.session.get_bind().dialect.name]
    # The stream that follows still reads the user and the video (headers, the request log): the
    # commit keeps them loaded; only the points, changed here in the database, are read again.
    with unit_of_work(keep_loaded=True):
        view_id = db.session.scalar(
            insert(VideoView)
            .values(user_id=user.id, video_id=video.id, points_awarded=points, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["user_id", "video_id"])
            .returning(VideoView.id)
        )
        if view_id is None:
            return 0
        if points:
            db.session.execute(
                update(User).where(User.id == user.id).values(points=User.points + points)
                .execution_options(synchronize_session=False)
            )
            if user in db.session:
                db.session.expire(user, ["points"])
    return points


def has_viewed(user: User, video: Video) -> bool:
    """True once the user's view of this video has been credited."""
    return db.session.scalar(
        select(exists().where(VideoView.user_id == user.id, VideoView.video_id == video.id))
    )


def view_status(user: User, video: Video) -> dict:
    """The viewer's current points and whether (and for how much) this video was viewed."""
    awarded = db.session.scalar(
        select(VideoView.points_awarded).where(VideoView.user_id == user.id, VideoView.video_id == video.id)
    )
    points = db.session.scalar(select(User.points).where(User.id == user.id))
    return {"points": points, "viewed": awarded is not None, "points_awarded": awarded or 0}
