"""Watching a video: each member's saved place (resume), completion, and the watch time it adds up to.

The player saves the position every ~10 s and when the page is hidden; the API takes the same
saves. A save is one upsert of the (user, video) row under a row lock, so concurrent saves of one
viewer never lose watch time or count it twice, on PostgreSQL and SQLite alike.

Watch time counts only plausible forward progress between two saves: at most MAX_STEP_SECONDS,
and no more than MAX_RATE times the wall-clock time since the previous save. Seeking, going back
or a forged jump therefore adds nothing, and a burst of forged small steps adds no more than twice
the time that really passed.
"""
import math
from datetime import UTC

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from webapp.core.clock import utcnow
from webapp.core.exceptions import ValidationFailed
from webapp.core.extensions import db
from webapp.core.transactions import unit_of_work
from webapp.models import User, Video
from webapp.models_watching import WatchPosition

MAX_STEP_SECONDS = 15.0
MAX_RATE = 2.0  # the fastest playback speed the player offers
COMPLETE_AT = 0.95  # share of the duration from which a video counts as watched to the end
RESUME_MIN_SECONDS = 1.0  # below this, starting again is the same as resuming
INSERT_BY_DIALECT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def checked_seconds(value) -> float:
    """A position as sent by a client: a finite number ≥ 0 (not a string, not a boolean), else 400."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        message = _("Send the position as a number of seconds.")
        raise ValidationFailed(message, fields={"position_seconds": [message]})
    if value < 0:
        message = _("The position cannot be negative.")
        raise ValidationFailed(message, fields={"position_seconds": [message]})
    return float(value)


def is_complete(position: float, duration: float | None) -> bool:
    """True from COMPLETE_AT of a known duration on."""
    return bool(duration) and position >= COMPLETE_AT * duration


def counted_progress(before: float, after: float, elapsed_seconds: float) -> float:
    """The watch time one save adds: forward progress of at most MAX_STEP_SECONDS, capped by real time."""
    forward = after - before
    if forward <= 0 or forward > MAX_STEP_SECONDS:
        return 0.0
    return min(forward, max(elapsed_seconds, 0.0) * MAX_RATE)


def save_position(user: User, video: Video, seconds) -> WatchPosition:
    """Record where `user` is in `video` (clamped to its duration) and add the watch time it shows."""
    seconds = checked_seconds(seconds)
    if video.duration_seconds:
        seconds = min(seconds, video.duration_seconds)
    now = utcnow()
    insert = INSERT_BY_DIALECT[db.session.get_bind().dialect.name]
    with unit_of_work():
        # The first save creates the row (position 0, counting nothing); every save then locks it.
        db.session.execute(
            insert(WatchPosition)
            .values(user_id=user.id, video_id=video.id, position_seconds=0.0, completed=False,
                    seconds_watched=0.0, updated_at=now)
            .on_conflict_do_nothing(index_elements=["user_id", "video_id"])
        )
        row = db.session.execute(
            select(WatchPosition.id, WatchPosition.position_seconds, WatchPosition.updated_at)
            .where(WatchPosition.user_id == user.id, WatchPosition.video_id == video.id)
            .with_for_update()
        ).one()
        previous = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
        added = counted_progress(row.position_seconds, seconds, (now - previous).total_seconds())
        values = {"position_seconds": seconds, "updated_at": now,
                  "seconds_watched": WatchPosition.seconds_watched + added}
        if is_complete(seconds, video.duration_seconds):
            values["completed"] = True
        db.session.execute(update(WatchPosition).where(WatchPosition.id == row.id).values(**values)
                           .execution_options(synchronize_session=False))
    return position_of(user, video)


def position_of(user: User, video: Video) -> WatchPosition | None:
    """The user's saved place in the video, or None before any save."""
    return db.session.scalar(
        select(WatchPosition).where(WatchPosition.user_id == user.id, WatchPosition.video_id == video.id)
        .execution_options(populate_existing=True)
    )


def position_answer(user: User, video: Video) -> dict:
    """What GET …/position answers: zeros and null before any save."""
    saved = position_of(user, video)
    if saved is None:
        return {"position_seconds": 0.0, "completed": False, "updated_at": None}
    return {"position_seconds": saved.position_seconds, "completed": saved.completed,
            "updated_at": saved.updated_at}


def resume_at(saved: WatchPosition | None, duration: float | None) -> float:
    """Where the player starts: the saved place, unless there is none, it is at the very start, or
    the viewer reached the end (then from the beginning)."""
    if saved is None or saved.position_seconds < RESUME_MIN_SECONDS:
        return 0.0
    if is_complete(saved.position_seconds, duration):
        return 0.0
    return saved.position_seconds


def positions_by_video(user: User, video_ids) -> dict[int, WatchPosition]:
    """The user's saved places in these videos, by video id (one query for a page of cards)."""
    ids = list(video_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(WatchPosition).where(WatchPosition.user_id == user.id,
                                                          WatchPosition.video_id.in_(ids)))
    return {row.video_id: row for row in rows}


def percent_watched(saved: WatchPosition | None, duration: float | None) -> int:
    """How far into the video the saved place is, 0–100 (100 once completed and at the end)."""
    if saved is None or not duration:
        return 0
    return max(0, min(100, round(saved.position_seconds * 100 / duration)))
