"""Reading videos: tenant-scoped loading (another corporation's id is a 404) and the list queries."""
from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import joinedload

from webapp.core.exceptions import NotFound
from webapp.core.extensions import db
from webapp.core.text import LIKE_ESCAPE, like_escaped, title_key
from webapp.models import STATUS_FAILED, User, Video, VideoView
from webapp.models_watching import WatchPosition


def scoped_video_or_404(user: User, video_id: int, *, include_trash: bool = False) -> Video:
    """A video of the user's corporation (not in the trash unless asked), else NotFound.

    Another corporation's id, a video in the trash or a missing one are the same thing to the caller;
    so is a failed video to anyone but an admin (guests never see videos that cannot play).
    """
    query, params = _scoped_video_query(user, video_id, include_trash)
    video = db.session.scalar(query, params)
    if video is None:
        raise NotFound()
    return video


def scoped_video_columns_or_404(user: User, video_id: int, *, include_trash: bool = False):
    """The same video as scoped_video_or_404, as a row of its column values read without the ORM (no
    object, no identity map), for answers that only read columns (the API's video, as its lists)."""
    query, params = _scoped_video_query(user, video_id, include_trash)
    row = db.session.connection().execute(query, params).first()
    if row is None:
        raise NotFound()
    return row


def _scoped_video_query(user: User, video_id: int, include_trash: bool):
    if user.is_admin:
        query = SCOPED_VIDEO if include_trash else SCOPED_LIVE_VIDEO
    else:
        query = SCOPED_PLAYABLE_VIDEO if include_trash else SCOPED_LIVE_PLAYABLE_VIDEO
    return query, {"video_id": video_id, "corporation_id": user.corporation_id}


# Built once and reused with new parameters (no per-call statement construction).
SCOPED_VIDEO = select(Video).where(Video.id == bindparam("video_id"),
                                   Video.corporation_id == bindparam("corporation_id"))
SCOPED_LIVE_VIDEO = SCOPED_VIDEO.where(Video.deleted_at.is_(None))
SCOPED_PLAYABLE_VIDEO = SCOPED_VIDEO.where(Video.status != STATUS_FAILED)
SCOPED_LIVE_PLAYABLE_VIDEO = SCOPED_LIVE_VIDEO.where(Video.status != STATUS_FAILED)


def scoped_trashed_video_or_404(user: User, video_id: int) -> Video:
    """A video in the trash of the user's corporation, else NotFound."""
    video = scoped_video_or_404(user, video_id, include_trash=True)
    if video.deleted_at is None:
        raise NotFound()
    return video


def watchable_video_or_404(user: User | None, video_id: int) -> Video:
    """The video a viewer asks to stream: an active user's corporation's, not in the trash, else NotFound."""
    if user is None or not user.is_active:
        raise NotFound()
    return scoped_video_or_404(user, video_id)


def videos_by_ids(user: User, video_ids: list[int]) -> list[Video]:
    """The user's corporation's videos among `video_ids` (others' ids are simply not there)."""
    if not video_ids:
        return []
    return list(db.session.scalars(select(Video).where(
        Video.corporation_id == user.corporation_id, Video.id.in_(video_ids)).order_by(Video.id)))


def library_query(corporation_id: int, title_search: str | None = None, *,
                  include_failed: bool = True) -> tuple[Select, dict]:
    """Videos of a corporation that are not in the trash, newest first (without failed ones for guests):
    a statement built once for each shape (LIBRARY), and the values of its parameters."""
    params = {"corporation_id": corporation_id}
    searched = title_key(title_search)
    if searched:
        params["title_pattern"] = like_escaped(searched)
    return LIBRARY[include_failed, bool(searched)], params


def _library(include_failed: bool, searching: bool) -> Select:
    query = select(Video).where(Video.corporation_id == bindparam("corporation_id"), Video.deleted_at.is_(None))
    if not include_failed:
        query = query.where(Video.status != STATUS_FAILED)
    if searching:
        query = query.where(Video.title_key.contains(bindparam("title_pattern"), escape=LIKE_ESCAPE))
    return query.order_by(Video.created_at.desc(), Video.id.desc())


# (include failed videos, search the titles) -> the library's statement. Built once: a statement reused
# with new parameters skips SQLAlchemy's construction and cache-key work (a list call's page statement:
# webapp/core/pagination.py).
LIBRARY = {(failed, searching): _library(failed, searching) for failed in (True, False) for searching in (True, False)}


def next_in_library(user: User, video: Video) -> Video | None:
    """The video after this one in the Library's order (newest first), as the user's Library shows it."""
    query, params = library_query(user.corporation_id, include_failed=user.is_admin)
    query = query.where(or_(Video.created_at < video.created_at,
                            and_(Video.created_at == video.created_at, Video.id < video.id)))
    return db.session.scalar(query.limit(1), params)


def continue_watching_query(user: User, complete_at: float, resume_min: float) -> tuple[Select, dict]:
    """(video, saved place) pairs the user started and has not finished, most recently watched first
    (a statement and its parameters, as library_query's)."""
    unfinished = or_(Video.duration_seconds.is_(None),
                     WatchPosition.position_seconds < Video.duration_seconds * complete_at)
    query, params = library_query(user.corporation_id, include_failed=user.is_admin)
    query = (
        query.add_columns(WatchPosition)
        .join(WatchPosition, and_(WatchPosition.video_id == Video.id, WatchPosition.user_id == user.id))
        .where(WatchPosition.position_seconds >= resume_min, unfinished)
        .order_by(None).order_by(WatchPosition.updated_at.desc(), Video.id.desc())
    )
    return query, params


def trash_query(corporation_id: int):
    """Videos in a corporation's trash, most recently deleted first."""
    return (
        select(Video)
        .where(Video.corporation_id == corporation_id, Video.deleted_at.is_not(None))
        .options(joinedload(Video.deleted_by))
        .order_by(Video.deleted_at.desc(), Video.id.desc())
    )


def views_of_video_query(video_id: int):
    """Who watched a video, newest first."""
    return select(VideoView).where(VideoView.video_id == video_id).order_by(
        VideoView.created_at.desc(), VideoView.id.desc()
    )
