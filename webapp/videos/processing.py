"""Media processing of videos: queue the probe job once the change is committed, run it, and write
its result only if the video's source is still the one that was probed.

Every change of source (add, upload, new URL) sets the video to `processing`, bumps its
`source_version` and, after the commit, puts `worker.jobs.probe_video(id, version)` on the queue
(queued in the commit's aftermath: a fast worker never looks for a row that is not there yet).
A job that finds another version, or no video, does nothing. Reasons are written in the
company's language: they are shown to its admins as they are.
"""
import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
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
from webapp.media.source import Deadline, SourceError
from webapp.models import STATUS_DETAIL_MAX, STATUS_FAILED, STATUS_PROCESSING, STATUS_READY, Video

log = logging.getLogger(__name__)

PROBE_JOB = "worker.jobs.probe_video"
_PENDING = "videos_to_probe"
FACT_COLUMNS = ("container", "duration_seconds", "width", "height", "video_codec", "audio_codec", "bitrate",
                "faststart")


def probe_job_id(video_id: int, version: int) -> str:
    """One job id per video and source version: queuing the same version twice keeps one job."""
    return f"probe-video-{video_id}-v{version}"


def start_processing(video: Video, *, new: bool = False) -> None:
    """Inside a unit of work: forget the video's media facts and queue its probe after the commit.

    A video that existed before gets a new source version, so that a job still running for the
    old source cannot write its result.
    """
    if not new:
        video.source_version += 1
    video.status = STATUS_PROCESSING
    video.status_detail = None
    video.queued_at = utcnow()
    video.processed_at = None
    for column in (*FACT_COLUMNS, "supports_range"):
        setattr(video, column, None)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append((video.id, video.source_version))


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session):
    pending = session.info.pop(_PENDING, None)
    for video_id, version in pending or ():
        enqueue_probe(video_id, version)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_PENDING, None)


def enqueue_probe(video_id: int, version: int) -> bool:
    """Put the probe job on the queue; with Redis unreachable the scheduler's backfill queues it later."""
    config = current_app.config
    delays = list(config["JOB_RETRY_DELAYS"])
    try:
        queue = Queue(config["RQ_QUEUE"], connection=redis_connection())
        queue.enqueue(PROBE_JOB, video_id, version, job_id=probe_job_id(video_id, version),
                      retry=Retry(max=len(delays), interval=delays) if delays else None,
                      job_timeout=config["PROBE_JOB_TIMEOUT"], result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600,
                      description=f"Probe video {video_id} (source version {version})")
    except RedisError as error:
        log.warning("could not queue the probe of video %s (%s); the backfill will", video_id, error)
        return False
    log.info("queued the probe of video %s (source version %s)", video_id, version)
    return True


def _source_of(video_id: int, version: int):
    """(source_url, file_key, locale) of the video at `version`, or None; the transaction ends here."""
    with unit_of_work():
        video = db.session.get(Video, video_id)
        if video is None or video.source_version != version:
            return None
        return video.source_url, video.file_key, video.corporation.locale


def process_video(video_id: int, version: int, *, last_attempt: bool = True) -> dict:
    """Probe a video's source and record the outcome (the probe job's body).

    A source that cannot be read raises SourceError for a retry, except on the last attempt, where
    the video is marked failed with the reason; a file that cannot play is failed at once.
    """
    source = _source_of(video_id, version)
    if source is None:
        log.info("probe of video %s v%s: the video is gone or its source changed; nothing to do", video_id, version)
        return {"video": video_id, "outcome": "skipped"}
    source_url, file_key, locale = source
    with force_locale(locale):
        try:
            result = examine(video_id, source_url, file_key, Deadline(current_app.config["PROBE_READ_DEADLINE"]))
        except SourceError as error:
            if not last_attempt:
                log.warning("probe of video %s: %s (will retry)", video_id, error)
                raise
            return fail(video_id, version, str(error))
        except JobTimeoutException:  # rq's time limit (PROBE_JOB_TIMEOUT) ran out in the middle
            if last_attempt:
                fail(video_id, version, _("Processing took too long (over the job's time limit): the video's "
                                          "source may be too slow."))
            raise
        except Exception:
            if last_attempt:
                fail(video_id, version, _("The video could not be processed because of an error on our side."))
            raise
    values = {column: getattr(result.facts, column) for column in FACT_COLUMNS}
    values.update(supports_range=result.supports_range, processed_at=utcnow())
    if result.size is not None:
        values["size_bytes"] = result.size
    if result.problem:
        values.update(status=STATUS_FAILED, status_detail=result.problem[:STATUS_DETAIL_MAX])
    else:
        values.update(status=STATUS_READY, status_detail=result.warning, poster_key=result.poster_key)
    written, old_poster = _write(video_id, version, values)
    if not written:
        posters.delete_poster(result.poster_key)
        return {"video": video_id, "outcome": "skipped"}
    if result.poster_key and old_poster != result.poster_key:
        posters.delete_poster(old_poster)
    outcome = values["status"]
    log.info("probe of video %s v%s: %s%s", video_id, version, outcome,
             f" ({values['status_detail']})" if values.get("status_detail") else "")
    return {"video": video_id, "outcome": outcome, "detail": values.get("status_detail"),
            "bytes_read": result.bytes_read, "requests": result.requests}


def _write(video_id: int, version: int, values: dict) -> tuple[bool, str | None]:
    """Write the result if the video is still at `version`; (written?, poster it had)."""
    with unit_of_work():
        old_poster = db.session.scalar(select(Video.poster_key).where(Video.id == video_id))
        written = db.session.execute(
            update(Video).where(Video.id == video_id, Video.source_version == version).values(**values)
        ).rowcount
    return bool(written), old_poster


def fail(video_id: int, version: int, reason: str, only_if_processing: bool = False) -> dict:
    """Mark the video failed with `reason` (if still at `version`)."""
    values = {"status": STATUS_FAILED, "status_detail": reason[:STATUS_DETAIL_MAX], "processed_at": utcnow()}
    with unit_of_work():
        query = update(Video).where(Video.id == video_id, Video.source_version == version)
        if only_if_processing:
            query = query.where(Video.status == STATUS_PROCESSING)
        written = db.session.execute(query.values(**values)).rowcount
    if written:
        log.warning("probe of video %s v%s: failed (%s)", video_id, version, reason)
    return {"video": video_id, "outcome": STATUS_FAILED if written else "skipped", "detail": reason}


def fail_stopped(video_id: int, version: int) -> dict:
    """The last attempt's process ended without a word (killed, out of memory): failed, not stuck."""
    with unit_of_work():
        video = db.session.get(Video, video_id)
        locale = video.corporation.locale if video is not None else "en"
    with force_locale(locale):
        reason = _("Processing stopped unexpectedly (the worker was stopped or ran out of memory). "
                   "Edit the video or try again later.")
    return fail(video_id, version, reason, only_if_processing=True)


def videos_waiting(limit: int = 1000) -> list[tuple[int, int]]:
    """(id, version) of videos still processing (new, or from before processing existed), oldest first."""
    with unit_of_work():
        rows = db.session.execute(
            select(Video.id, Video.source_version).where(Video.status == STATUS_PROCESSING)
            .order_by(Video.id).limit(limit)).all()
    return [(row.id, row.source_version) for row in rows]


def reprocess(video_ids: list[int] | None = None) -> list[tuple[int, int]]:
    """Set videos (all, or the given ids) to processing again; (id, version) to probe."""
    with unit_of_work():
        query = select(Video).where(Video.deleted_at.is_(None)).order_by(Video.id)
        if video_ids is not None:
            query = query.where(Video.id.in_(video_ids))
        videos = list(db.session.scalars(query))
        for video in videos:
            start_processing(video)
        chosen = [(video.id, video.source_version) for video in videos]
        db.session.info.pop(_PENDING, None)  # the caller runs or queues them itself
    return chosen
