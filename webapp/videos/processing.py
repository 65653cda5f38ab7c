"""Media processing of videos: queue the probe job once the change is committed, run it, and write
its result only if the video's source is still the one that was probed.

Every change of source (add, upload, new URL) sets the video to `processing`, bumps its
`source_version` and, after the commit, puts `worker.jobs.probe_video(id, version)` on the queue
(queued in the commit's aftermath: a fast worker never looks for a row that is not there yet).
A job that finds another version, or no video, does nothing. Reasons are stored as codes with
parameters (webapp/media/reasons.py) and put into words when shown, in the reader's language.

Posters: a poster an admin picked (a frame or an uploaded image) is kept when the same source is
probed again (`flask videos probe`, the backfill). When the source changes, an uploaded image is
kept, and a picked frame is made again from the new source at the same time (as a pending request,
which the probe fulfils; a time the new source has no picture at falls back to an automatic poster
and says so).
"""
import logging

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.timeouts import JobTimeoutException
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.core.redis_conn import redis_connection
from webapp.core.transactions import unit_of_work
from webapp.media import posters
from webapp.media.examine import examine
from webapp.media.reasons import Reason, reason_of, stored
from webapp.media.source import Deadline, SourceError
from webapp.models import (
    POSTER_AUTO,
    POSTER_FAILED,
    POSTER_FRAME,
    POSTER_PENDING,
    POSTER_UPLOAD,
    STATUS_FAILED,
    STATUS_PROCESSING,
    STATUS_READY,
    Video,
)

log = logging.getLogger(__name__)

PROBE_JOB = "worker.jobs.probe_video"
_PENDING = "jobs_after_commit"
FACT_COLUMNS = ("container", "duration_seconds", "width", "height", "video_codec", "audio_codec", "bitrate",
                "faststart")


def probe_job_id(video_id: int, version: int) -> str:
    """One job id per video and source version: queuing the same version twice keeps one job."""
    return f"probe-video-{video_id}-v{version}"


def start_processing(video: Video, *, new: bool = False, source_changed: bool = True) -> None:
    """Inside a unit of work: forget the video's media facts and queue its probe after the commit.

    A video that existed before gets a new source version, so that a job still running for the
    old source cannot write its result. A new source asks for a picked frame again (see above).
    """
    if not new:
        video.source_version += 1
    if source_changed and not new and video.poster_kind == POSTER_FRAME and video.poster_state is None:
        video.poster_request += 1
        video.poster_state, video.poster_request_at = POSTER_PENDING, video.poster_at_seconds
        video.poster_reason = video.poster_params = None
    video.status = STATUS_PROCESSING
    video.status_reason = video.status_params = None
    video.queued_at = utcnow()
    video.processed_at = None
    for column in (*FACT_COLUMNS, "supports_range"):
        setattr(video, column, None)
    db.session.flush()
    enqueue_after_commit(enqueue_probe, video.id, video.source_version)


def enqueue_after_commit(enqueue, *args) -> None:
    """Inside a unit of work: call `enqueue(*args)` once the change is committed (never after a rollback)."""
    db.session.info.setdefault(_PENDING, []).append((enqueue, args))


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session):
    pending = session.info.pop(_PENDING, None)
    for enqueue, args in pending or ():
        enqueue(*args)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_PENDING, None)


def enqueue_job(function: str, args: tuple, job_id: str, timeout: int, description: str) -> bool:
    """Put a media job on the queue with the retry delays; False when Redis is unreachable (the
    scheduler's backfill queues it later)."""
    config = current_app.config
    delays = list(config["JOB_RETRY_DELAYS"])
    try:
        queue = Queue(config["RQ_QUEUE"], connection=redis_connection())
        queue.enqueue(function, *args, job_id=job_id,
                      retry=Retry(max=len(delays), interval=delays) if delays else None,
                      job_timeout=timeout, result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600, description=description)
    except RedisError as error:
        log.warning("could not queue %s (%s); the backfill will", description.lower(), error)
        return False
    log.info("queued %s", description.lower())
    return True


def enqueue_probe(video_id: int, version: int) -> bool:
    """Put the probe job on the queue."""
    return enqueue_job(PROBE_JOB, (video_id, version), probe_job_id(video_id, version),
                       current_app.config["PROBE_JOB_TIMEOUT"],
                       f"Probe of video {video_id} (source version {version})")


def _source_of(video_id: int, version: int):
    """(source_url, file_key, poster plan) of the video at `version`, or None; the transaction ends here.

    The plan: the time of a frame asked for (pending), or whether the current poster is kept.
    """
    with unit_of_work():
        video = db.session.get(Video, video_id)
        if video is None or video.source_version != version:
            return None
        frame_at = video.poster_request_at if video.poster_state == POSTER_PENDING else None
        keep = frame_at is None and video.poster_key is not None and video.poster_kind in (POSTER_FRAME,
                                                                                              POSTER_UPLOAD)
        return video.source_url, video.file_key, (frame_at, keep, video.poster_request)


def process_video(video_id: int, version: int, *, last_attempt: bool = True) -> dict:
    """Probe a video's source and record the outcome (the probe job's body).

    A source that cannot be read raises SourceError for a retry, except on the last attempt, where
    the video is marked failed with the reason; a file that cannot play is failed at once.
    """
    source = _source_of(video_id, version)
    if source is None:
        log.info("probe of video %s v%s: the video is gone or its source changed; nothing to do", video_id, version)
        return {"video": video_id, "outcome": "skipped"}
    source_url, file_key, (frame_at, keep, poster_request) = source
    result, failed = attempt(
        lambda: examine(video_id, source_url, file_key, Deadline(current_app.config["PROBE_READ_DEADLINE"]),
                        frame_at=frame_at),
        lambda reason: fail(video_id, version, reason), last_attempt, f"probe of video {video_id}")
    if failed is not None:
        return failed
    values = {column: getattr(result.facts, column) for column in FACT_COLUMNS}
    values.update(supports_range=result.supports_range, processed_at=utcnow())
    if result.size is not None:
        values["size_bytes"] = result.size
    reason = result.problem or result.warning
    values.update(status=STATUS_FAILED if result.problem else STATUS_READY)
    values["status_reason"], values["status_params"] = stored(reason)
    poster = _poster_values(result, frame_at, keep)
    written, old_poster = _write(video_id, version, values, poster, poster_request)
    if written != "poster":
        posters.delete_poster(result.poster_key)
    if not written:
        return {"video": video_id, "outcome": "skipped"}
    if written == "poster" and old_poster != result.poster_key:
        posters.delete_poster(old_poster)
    outcome = values["status"]
    log.info("probe of video %s v%s: %s%s; poster: %s", video_id, version, outcome, f" ({reason})" if reason else "",
             _poster_log(poster, written, frame_at))
    return {"video": video_id, "outcome": outcome, "detail": reason,
            "bytes_read": result.bytes_read, "requests": result.requests}


def attempt(work, fail, last_attempt: bool, what: str):
    """Run a media job's reading of a source: (its result, None), or (None, fail(reason)).

    A source that cannot be read raises SourceError for a retry, except on the last attempt, where
    `fail(reason)` records why. rq's time limit running out, or an error on our side, raise; on the
    last attempt `fail` records them first, so nothing stays pending or processing.
    """
    try:
        return work(), None
    except SourceError as error:
        if not last_attempt:
            log.warning("%s: %s (will retry)", what, error)
            raise
        return None, fail(reason_of(error))
    except JobTimeoutException:  # rq's time limit ran out in the middle
        if last_attempt:
            fail(Reason("job_timeout"))
        raise
    except Exception:
        if last_attempt:
            fail(Reason("internal_error"))
        raise


def _poster_values(result, frame_at: float | None, keep: bool) -> dict | None:
    """The poster columns the probe writes: None keeps the poster (an admin's, same source)."""
    if result.problem:
        # A video that cannot play gets no new poster; a frame asked for is moot.
        return {"poster_state": None, "poster_request_at": None} if frame_at is not None else None
    if keep or result.poster_key is None:
        return None
    values = {"poster_key": result.poster_key, "poster_kind": POSTER_AUTO, "poster_at_seconds": None,
              "poster_state": None, "poster_request_at": None, "poster_reason": None, "poster_params": None}
    if frame_at is not None and result.poster_at is not None:
        values.update(poster_kind=POSTER_FRAME, poster_at_seconds=result.poster_at)
    elif frame_at is not None:  # the new source has no picture at that time: an automatic one, and why
        failure = Reason("no_frame_at", seconds=frame_at)
        values.update(poster_state=POSTER_FAILED, poster_request_at=frame_at)
        values["poster_reason"], values["poster_params"] = stored(failure)
    return values


def _poster_log(poster: dict | None, written, frame_at: float | None) -> str:
    if written != "poster":
        if poster is None:
            return "kept (picked by an admin)" if written else "none"
        return "kept (another was asked for meanwhile)" if "poster_key" in poster else "request cleared"
    if poster["poster_kind"] == POSTER_FRAME:
        return f"made from the frame at {frame_at:.2f} s"
    return "automatic" + (f" (no picture at {frame_at:.2f} s)" if frame_at is not None else "")


def _write(video_id: int, version: int, values: dict, poster: dict | None, poster_request: int):
    """Write the result if the video is still at `version`, and the poster columns if no admin asked
    for another poster meanwhile; ("poster" | True | False: what was written, poster it had)."""
    with unit_of_work():
        old_poster = db.session.scalar(select(Video.poster_key).where(Video.id == video_id))
        written = db.session.execute(
            update(Video).where(Video.id == video_id, Video.source_version == version).values(**values)
        ).rowcount
        if written and poster:
            if db.session.execute(update(Video).where(
                    Video.id == video_id, Video.poster_request == poster_request).values(**poster)).rowcount:
                written = "poster" if "poster_key" in poster else True
    return written or False, old_poster


def fail(video_id: int, version: int, reason: Reason, only_if_processing: bool = False) -> dict:
    """Mark the video failed with `reason` (if still at `version`); a frame asked for is moot then."""
    values = {"status": STATUS_FAILED, "processed_at": utcnow()}
    values["status_reason"], values["status_params"] = stored(reason)
    with unit_of_work():
        query = update(Video).where(Video.id == video_id, Video.source_version == version)
        if only_if_processing:
            query = query.where(Video.status == STATUS_PROCESSING)
        written = db.session.execute(query.values(**values)).rowcount
        if written:
            db.session.execute(update(Video).where(Video.id == video_id, Video.poster_state == POSTER_PENDING)
                               .values(poster_state=None, poster_request_at=None))
    if written:
        log.warning("probe of video %s v%s: failed (%s)", video_id, version, reason)
    return {"video": video_id, "outcome": STATUS_FAILED if written else "skipped", "detail": reason}


def fail_stopped(video_id: int, version: int) -> dict:
    """The last attempt's process ended without a word (killed, out of memory): failed, not stuck."""
    return fail(video_id, version, Reason("stopped"), only_if_processing=True)


def videos_waiting(limit: int = 1000) -> list[tuple[int, int]]:
    """(id, version) of videos still processing (new, or from before processing existed), oldest first."""
    with unit_of_work():
        rows = db.session.execute(
            select(Video.id, Video.source_version).where(Video.status == STATUS_PROCESSING)
            .order_by(Video.id).limit(limit)).all()
    return [(row.id, row.source_version) for row in rows]


def poster_requests_waiting(limit: int = 1000) -> list[tuple[int, int, int]]:
    """(id, version, request) of ready videos whose poster from a frame is still pending, oldest first
    (a video being processed has its request fulfilled by the probe)."""
    with unit_of_work():
        rows = db.session.execute(
            select(Video.id, Video.source_version, Video.poster_request)
            .where(Video.poster_state == POSTER_PENDING, Video.status == STATUS_READY)
            .order_by(Video.id).limit(limit)).all()
    return [tuple(row) for row in rows]


def reprocess(video_ids: list[int] | None = None) -> list[tuple[int, int]]:
    """Set videos (all, or the given ids) to processing again; (id, version) to probe."""
    with unit_of_work():
        query = select(Video).where(Video.deleted_at.is_(None)).order_by(Video.id)
        if video_ids is not None:
            query = query.where(Video.id.in_(video_ids))
        videos = list(db.session.scalars(query))
        for video in videos:
            start_processing(video, source_changed=False)
        chosen = [(video.id, video.source_version) for video in videos]
        db.session.info.pop(_PENDING, None)  # the caller runs or queues them itself
    return chosen
