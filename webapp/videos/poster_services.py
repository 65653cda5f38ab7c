"""Poster use cases of admins: the frame at a chosen time (made by the worker), or an uploaded image.

A frame means reading the source (maybe a slow remote origin) and decoding video: the request only
checks the time, records it as the video's pending poster request (numbered: the newest request
wins) and, after the commit, queues `worker.jobs.make_poster(id, source_version, request)`. The job
writes the poster only if the video's source and its newest request are still the ones it was queued
for; a time with no picture leaves the request failed with the reason, shown on the Poster page.
An uploaded image is re-encoded with Pillow in the request: bounded (10 MB, 40 megapixels) and local.
"""
import logging
import math

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from webapp.core.exceptions import ValidationFailed
from webapp.core.extensions import db
from webapp.core.transactions import lock, unit_of_work
from webapp.insights import audit
from webapp.media import posters
from webapp.media.backends import StorageError
from webapp.media.examine import opened_source
from webapp.media.reasons import Reason, stored
from webapp.media.source import Deadline, SourceError
from webapp.models import POSTER_FAILED, POSTER_FRAME, POSTER_PENDING, POSTER_UPLOAD, STATUS_READY, User, Video
from webapp.videos.processing import attempt, enqueue_after_commit, enqueue_job

log = logging.getLogger(__name__)

FRAME_JOB = "worker.jobs.make_poster"


def _refused(message: str, field: str = "at_seconds") -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def frame_job_id(video_id: int, request: int) -> str:
    """One job per poster request of a video."""
    return f"poster-video-{video_id}-r{request}"


def checked_time(video: Video, at_seconds) -> float:
    """The time asked for, if the video is ready and the time a number within it; else ValidationFailed."""
    if video.status != STATUS_READY:
        raise _refused(_("A frame can be picked once the video is ready."))
    if isinstance(at_seconds, bool):
        at_seconds = None
    try:
        seconds = float(at_seconds)
    except (TypeError, ValueError):
        raise _refused(_("Enter a time in seconds.")) from None
    if not math.isfinite(seconds) or seconds < 0 or (video.duration_seconds and seconds > video.duration_seconds):
        raise _refused(_("Enter a time between 0 and %(seconds)s seconds.",
                         seconds=int(video.duration_seconds or 0)))
    return seconds


def request_frame(actor: User, video: Video, at_seconds) -> Video:
    """Ask for the poster from the frame at `at_seconds`: the video's poster request is pending, and the
    worker makes it once the change is committed."""
    with unit_of_work():
        lock(video)
        seconds = checked_time(video, at_seconds)
        video.poster_request += 1
        video.poster_state, video.poster_request_at = POSTER_PENDING, seconds
        video.poster_reason = video.poster_params = None
        audit.record(video.corporation_id, actor, "video.poster_changed", video, title=video.title, at_seconds=seconds)
        enqueue_after_commit(enqueue_frame, video.id, video.source_version, video.poster_request)
    return video


def enqueue_frame(video_id: int, version: int, request: int) -> bool:
    """Put the poster job of a request on the queue."""
    return enqueue_job(FRAME_JOB, (video_id, version, request), frame_job_id(video_id, request),
                       current_app.config["POSTER_JOB_TIMEOUT"],
                       f"Poster of video {video_id} from a frame (request {request})")


def _frame_request(video_id: int, version: int, request: int):
    """(source_url, file_key, seconds) of the request if it is still the video's newest and pending."""
    with unit_of_work():
        video = db.session.get(Video, video_id)
        if (video is None or video.source_version != version or video.poster_request != request
                or video.poster_state != POSTER_PENDING):
            return None
        return video.source_url, video.file_key, video.poster_request_at


def make_frame_poster(video_id: int, version: int, request: int, *, last_attempt: bool = True) -> dict:
    """The poster job's body: make the poster from the frame asked for and put it in place.

    A source that cannot be read is retried, and fails the request on the last attempt (see
    processing.attempt); a time with no picture fails it at once.
    """
    asked = _frame_request(video_id, version, request)
    if asked is None:
        log.info("poster of video %s (request %s): another request or source came since; nothing to do",
                 video_id, request)
        return {"video": video_id, "outcome": "skipped"}
    source_url, file_key, seconds = asked
    made, failed = attempt(lambda: _frame(source_url, file_key, seconds, video_id),
                           lambda reason: fail_request(video_id, request, reason), last_attempt,
                           f"poster of video {video_id} at {seconds:.2f} s")
    if failed is not None:
        return failed
    key, read = made
    if key is None:
        return fail_request(video_id, request, Reason("no_frame_at", seconds=seconds))
    with unit_of_work():
        old = db.session.scalar(select(Video.poster_key).where(Video.id == video_id))
        written = db.session.execute(update(Video).where(
            Video.id == video_id, Video.source_version == version, Video.poster_request == request,
            Video.poster_state == POSTER_PENDING,
        ).values(poster_key=key, poster_kind=POSTER_FRAME, poster_at_seconds=seconds, poster_state=None,
                 poster_request_at=None, poster_reason=None, poster_params=None)).rowcount
    if not written:
        posters.delete_poster(key)
        log.info("poster of video %s (request %s): superseded while it was made; discarded", video_id, request)
        return {"video": video_id, "outcome": "skipped"}
    posters.delete_poster(old)
    log.info("poster of video %s: made from the frame at %.2f s (request %s, %d bytes read)", video_id, seconds,
             request, read)
    return {"video": video_id, "outcome": "made", "at_seconds": seconds, "bytes_read": read}


def _frame(source_url: str | None, file_key: str | None, seconds: float, video_id: int):
    """(poster key or None when there is no picture at that time, bytes read)."""
    try:
        with opened_source(source_url, file_key, Deadline(current_app.config["POSTER_READ_DEADLINE"])) as opened:
            try:
                return posters.poster_at(opened.file, seconds, video_id), opened.bytes_read
            except posters.NoFrame:
                return None, opened.bytes_read
    except StorageError as error:  # storage unreachable or the object replaced meanwhile: retried
        log.warning("poster of video %s: storage failed: %s", video_id, error)
        raise SourceError(Reason("storage_unreadable")) from None


def fail_request(video_id: int, request: int, reason: Reason) -> dict:
    """The request could not be fulfilled: failed, with the reason (if it is still the newest)."""
    code, params = stored(reason)
    with unit_of_work():
        written = db.session.execute(update(Video).where(
            Video.id == video_id, Video.poster_request == request, Video.poster_state == POSTER_PENDING,
        ).values(poster_state=POSTER_FAILED, poster_reason=code, poster_params=params)).rowcount
    if written:
        log.warning("poster of video %s (request %s): failed (%s)", video_id, request, reason)
    return {"video": video_id, "outcome": "failed" if written else "skipped", "detail": reason}


def fail_stopped(video_id: int, request: int) -> dict:
    """The last attempt's process ended without a word (killed, out of memory): failed, not pending."""
    return fail_request(video_id, request, Reason("stopped"))


def poster_from_image(actor: User, video: Video, stream) -> Video:
    """Make the poster from an uploaded JPEG, PNG or WebP image (re-encoded as our JPEG); it replaces
    any frame still being made."""
    key = posters.poster_from_image(stream, video.id)
    old = None
    try:
        with unit_of_work():
            lock(video)
            old, video.poster_key = video.poster_key, key
            video.poster_kind, video.poster_at_seconds = POSTER_UPLOAD, None
            video.poster_request += 1
            video.poster_state = video.poster_request_at = video.poster_reason = video.poster_params = None
            audit.record(video.corporation_id, actor, "video.poster_changed", video, title=video.title, uploaded=True)
    except BaseException:
        posters.delete_poster(key)
        raise
    posters.delete_poster(old)
    return video
