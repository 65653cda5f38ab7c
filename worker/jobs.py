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
from webapp.videos import processing
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


def probe_backfill():
    """Queue every video still processing whose probe is not waiting or running (videos from before
    processing existed, or whose job could not be queued); a video whose last attempt ended in rq's
    failed registry without a word (its process was killed) is marked failed instead."""
    queue = Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())
    queued = failed = waiting = 0
    for video_id, version in processing.videos_waiting():
        job_id = processing.probe_job_id(video_id, version)
        try:
            status = Job.fetch(job_id, connection=queue.connection).get_status()
        except NoSuchJobError:
            status = None
        if status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
            waiting += 1
        elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            processing.fail_stopped(video_id, version)
            failed += 1
        else:
            processing.enqueue_probe(video_id, version)
            queued += 1
    log.info("probe_backfill: queued %d video(s), %d already waiting, %d failed without a result",
             queued, waiting, failed)
    return {"queued": queued, "waiting": waiting, "failed": failed}


def probe_killed(job: Job) -> None:
    """The worker's hook for a job whose process was killed: the last attempt of a probe leaves its
    video failed with a reason, never processing forever."""
    if job.func_name == processing.PROBE_JOB and not job.retries_left:
        video_id, version = job.args[:2]
        processing.fail_stopped(video_id, version)
