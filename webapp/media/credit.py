"""Viewing use cases: credit a first view, and what the player shows about it."""
from flask import current_app
from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.core.transactions import atomic_scalar, unit_of_work
from webapp.models import User, Video, VideoView


def record_view(user: User, video: Video) -> int:
    """Log the user's first view of a video and credit VIEW_POINTS, all or nothing.

    Returns the points this call awarded: VIEW_POINTS the first time, 0 afterwards. The unique
    (user, video) row decides: concurrent first requests insert once (ON CONFLICT DO NOTHING),
    and the credit is an atomic `points = points + n`, so no update is lost. On PostgreSQL both
    are one statement (CREDIT_FIRST_VIEW), atomic alone: one round trip per stream start instead of
    four (BEGIN, INSERT, UPDATE, COMMIT), which a burst of viewers arriving at once waits for.
    """
    points = current_app.config["VIEW_POINTS"]
    now = utcnow()
    if db.session.get_bind().dialect.name == "postgresql":
        awarded = atomic_scalar(CREDIT_FIRST_VIEW, {"user_id": user.id, "video_id": video.id,
                                                    "points": points, "now": now})
    else:
        awarded = _record_view_in_steps(user, video, points, now)
    if awarded and user in db.session:
        db.session.expire(user, ["points"])  # the stream that follows still reads the user, not its points
    return awarded


# INSERT the view unless it exists; for the row inserted (if any) with points, add them to the user.
_NEW_VIEW = (
    postgresql.insert(VideoView)
    .values(user_id=bindparam("user_id"), video_id=bindparam("video_id"),
            points_awarded=bindparam("points"), created_at=bindparam("now"))
    .on_conflict_do_nothing(index_elements=["user_id", "video_id"])
    .returning(VideoView.user_id, VideoView.points_awarded)
    .cte("new_view")
)
_CREDIT = (
    update(User).where(User.id == _NEW_VIEW.c.user_id, _NEW_VIEW.c.points_awarded > 0)
    .values(points=User.points + _NEW_VIEW.c.points_awarded, updated_at=bindparam("now"))
    .returning(User.id)
    .cte("credit")
)
CREDIT_FIRST_VIEW = select(func.coalesce(func.sum(_NEW_VIEW.c.points_awarded), 0)).add_cte(_CREDIT)


def _record_view_in_steps(user: User, video: Video, points: int, now) -> int:
    """record_view on SQLite (no INSERT inside WITH): the same two steps in one unit of work."""
    with unit_of_work(keep_loaded=True):
        view_id = db.session.scalar(
            sqlite.insert(VideoView)
            .values(user_id=user.id, video_id=video.id, points_awarded=points, created_at=now)
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
    return points


def has_viewed(user: User, video: Video) -> bool:
    """True once the user's view of this video has been credited."""
    return db.session.connection().scalar(VIEWED, {"user_id": user.id, "video_id": video.id})


VIEWED = select(exists().where(VideoView.user_id == bindparam("user_id"), VideoView.video_id == bindparam("video_id")))


def view_status(user: User, video: Video) -> dict:
    """The viewer's current points and whether (and for how much) this video was viewed."""
    awarded = db.session.scalar(
        select(VideoView.points_awarded).where(VideoView.user_id == user.id, VideoView.video_id == video.id)
    )
    points = db.session.scalar(select(User.points).where(User.id == user.id))
    return {"points": points, "viewed": awarded is not None, "points_awarded": awarded or 0}
