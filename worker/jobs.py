"""rq job functions: plain arguments, idempotent, run inside an app context (AppContextJob)."""
import logging

from flask import current_app
from rq import Queue, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from webapp.accounts import password_reset, signup
from webapp.companies import services as plan_services
from webapp.core import mail
from webapp.core.redis_conn import redis_connection
from webapp.videos import poster_services, processing
from webapp.videos import services as video_services

log = logging.getLogger(__name__)


def expire_plans():
    """Downgrade every paid plan that expired before today (PLAN_TIMEZONE) and mail the plan reminders
    due (7 days and 1 day before, and at lapse; each once per plan period); say what was done."""
    expired, reminders = plan_services.expire_plans_and_remind()
    corporations = [
        {"id": c["id"], "name": c["name"], "expired_on": c["expired_on"].isoformat()} for c in expired
    ]
    if corporations:
        names = ", ".join(f"{c['name']} (#{c['id']}, expired {c['expired_on']})" for c in corporations)
        log.info("expire_plans: downgraded %d corporation(s) to free: %s", len(corporations), names)
    else:
        log.info("expire_plans: no paid plan has expired; nothing to do")
    for reminder in reminders:
        log.info("expire_plans: %s reminder for %s (#%s, paid through %s) to %d admin(s)", reminder["kind"],
                 reminder["name"], reminder["corporation_id"], reminder["expires_on"], reminder["admins"])
    return {"downgraded": len(corporations), "corporations": corporations, "reminders": reminders}


def sweep_media():
    """Remove stale `.part` files and stored files no video refers to (older than the safety
    margin, MEDIA_SWEEP_MARGIN_HOURS); log each one."""
    margin_hours = current_app.config["MEDIA_SWEEP_MARGIN_HOURS"]
    removed = video_services.sweep_media(margin_hours * 3600)
    for item in removed:
        log.info("sweep_media: removed %s (%d bytes, %s)", item["name"], item["bytes"], item["reason"])
    total = sum(item["bytes"] for item in removed)
    log.info("sweep_media: removed %d file(s), %d bytes, untouched for more than %s h",
             len(removed), total, margin_hours)
    return {"removed": len(removed), "bytes": total, "files": removed}


def abort_abandoned_uploads():
    """Abort the direct uploads nobody finished within DIRECT_UPLOAD_HOURS (their parts take room in
    the bucket until then); log each one."""
    hours = current_app.config["DIRECT_UPLOAD_HOURS"]
    aborted = video_services.abort_abandoned_uploads(hours * 3600)
    for item in aborted:
        log.info("abort_abandoned_uploads: aborted the upload of %s (upload id %s)", item["name"], item["upload_id"])
    log.info("abort_abandoned_uploads: aborted %d upload(s) begun more than %s h ago", len(aborted), hours)
    return {"aborted": len(aborted), "uploads": [item["name"] for item in aborted]}


def send_mail(template: str, to: str, locale: str, context: dict):
    """Render one message in the recipient's language and send it (SMTP, or the development outbox).

    A failure (SMTP down, refused) raises: rq retries after each of JOB_RETRY_DELAYS, then keeps
    the job in the failed registry.
    """
    return mail.deliver(template, to, locale, context)


def start_password_reset(email: str):
    """Send a reset link when the address is an active member's (the request answered 202 either way)."""
    return {"sent": password_reset.start_reset(email)}


def resend_signup_confirmation(email: str):
    """Send a new confirmation link when the address's sign-up still waits (the request answered 202 either way)."""
    return {"sent": signup.resend_confirmation(email)}


def purge_unconfirmed_signups():
    """Remove sign-ups left unconfirmed for SIGNUP_CONFIRM_HOURS, freeing their addresses and names."""
    removed = signup.purge_unconfirmed()
    for company in removed:
        log.info("purge_unconfirmed_signups: removed %s (#%s), never confirmed", company["name"], company["id"])
    log.info("purge_unconfirmed_signups: removed %d unconfirmed sign-up(s)", len(removed))
    return {"removed": len(removed), "corporations": removed}


def _last_attempt() -> bool:
    """True when the running job has no retry left (or runs outside rq, e.g. from the CLI)."""
    job = get_current_job()
    return job is None or not job.retries_left


def probe_video(video_id: int, version: int):
    """Probe a video, make its poster, record ready or failed (webapp.videos.processing)."""
    return processing.process_video(video_id, version, last_attempt=_last_attempt())


def make_poster(video_id: int, version: int, request: int):
    """Make a video's poster from the frame an admin asked for (webapp.videos.poster_services)."""
    return poster_services.make_frame_poster(video_id, version, request, last_attempt=_last_attempt())


def probe_backfill():
    """Queue every video still processing whose probe is not waiting or running (videos from before
    processing existed, or whose job could not be queued), and every pending poster request of a
    ready video likewise; one whose last attempt ended in rq's failed registry without a word (its
    process was killed) is marked failed instead."""
    connection = Queue(current_app.config["RQ_QUEUE"], connection=redis_connection()).connection
    counts = {"queued": 0, "waiting": 0, "failed": 0}
    work = [(processing.probe_job_id(*key), key, processing.enqueue_probe, processing.fail_stopped)
            for key in processing.videos_waiting()]
    work += [(poster_services.frame_job_id(video_id, request), (video_id, version, request),
              poster_services.enqueue_frame, lambda video_id, _version, request: poster_services.fail_stopped(
                  video_id, request)) for video_id, version, request in processing.poster_requests_waiting()]
    for job_id, key, enqueue, fail in work:
        try:
            status = Job.fetch(job_id, connection=connection).get_status()
        except NoSuchJobError:
            status = None
        if status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
            counts["waiting"] += 1
        elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            fail(*key)
            counts["failed"] += 1
        else:
            enqueue(*key)
            counts["queued"] += 1
    log.info("probe_backfill: queued %d job(s) (probes and posters), %d already waiting, "
             "%d failed without a result", counts["queued"], counts["waiting"], counts["failed"])
    return counts


def probe_killed(job: Job) -> None:
    """The worker's hook for a job whose process was killed: the last attempt of a probe leaves its
    video failed with a reason, never processing forever; of a poster job, its request failed."""
    if job.retries_left:
        return
    if job.func_name == processing.PROBE_JOB:
        video_id, version = job.args[:2]
        processing.fail_stopped(video_id, version)
    elif job.func_name == poster_services.FRAME_JOB:
        video_id, _version, request = job.args[:3]
        poster_services.fail_stopped(video_id, request)
