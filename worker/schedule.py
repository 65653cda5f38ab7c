"""Recurring jobs: cron expressions on the wall clock of PLAN_TIMEZONE, kept in rq-scheduler under stable ids.

rq-scheduler evaluates its own cron strings in the process's local time zone. ZonedScheduler keeps
the cron and its zone in the job's meta instead and computes every next run itself with croniter,
so "5 0 * * *" in Pacific/Auckland fires at 00:05 Auckland time whatever the machine's zone,
before and after daylight saving changes.
"""
import logging
import signal
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from rq.job import JobStatus
from rq_scheduler import Scheduler
from rq_scheduler.utils import to_unix

from worker.compat import StoppableScheduler, create_job

log = logging.getLogger(__name__)

EXPIRE_PLANS_JOB_ID = "cron-expire-plans"
SWEEP_MEDIA_JOB_ID = "cron-sweep-media"
PURGE_SIGNUPS_JOB_ID = "cron-purge-unconfirmed-signups"
PROBE_BACKFILL_JOB_ID = "cron-probe-backfill"
ABORT_UPLOADS_JOB_ID = "cron-abort-abandoned-uploads"
# One job hash per recurring job id, overwritten by each run: keeping it forever costs one key,
# while a result_ttl shorter than the gap between runs makes rq-scheduler drop the job silently.
KEEP_FOREVER = -1


@dataclass(frozen=True)
class RecurringJob:
    """A job function that runs on a cron schedule in a time zone."""

    id: str
    func: str
    description: str
    cron: str
    zone: str


def recurring_jobs(config) -> list[RecurringJob]:
    """The recurring jobs the configuration asks for."""
    return [
        RecurringJob(EXPIRE_PLANS_JOB_ID, "worker.jobs.expire_plans", "Downgrade expired paid plans",
                     config["PLAN_EXPIRY_CRON"], config["PLAN_TIMEZONE"]),
        RecurringJob(SWEEP_MEDIA_JOB_ID, "worker.jobs.sweep_media",
                     "Remove unfinished uploads and unreferenced stored files", config["MEDIA_SWEEP_CRON"], "UTC"),
        RecurringJob(PURGE_SIGNUPS_JOB_ID, "worker.jobs.purge_unconfirmed_signups",
                     "Remove sign-ups never confirmed", config["SIGNUP_PURGE_CRON"], "UTC"),
        RecurringJob(PROBE_BACKFILL_JOB_ID, "worker.jobs.probe_backfill",
                     "Queue the probe of videos still waiting for one", config["PROBE_BACKFILL_CRON"], "UTC"),
    ] + ([RecurringJob(ABORT_UPLOADS_JOB_ID, "worker.jobs.abort_abandoned_uploads",
                       "Abort direct uploads left unfinished", config["DIRECT_UPLOAD_ABORT_CRON"], "UTC")]
         if config["STORAGE_BACKEND"] == "s3" else [])


def check_schedule(cron: str, zone: str) -> None:
    """Fail fast with a clear message on a cron expression or time zone that cannot work."""
    if not croniter.is_valid(cron):
        raise ValueError(f"Invalid cron expression {cron!r} (expected e.g. '5 0 * * *')")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time zone {zone!r} (expected e.g. 'Europe/Paris')") from None


def next_run(cron: str, zone: str, after: datetime | None = None) -> datetime:
    """The first time after `after` (default: now) when `cron` fires on `zone`'s wall clock, in UTC."""
    after = after or datetime.now(UTC)
    local_after = after.astimezone(ZoneInfo(zone))
    return croniter(cron, local_after).get_next(datetime).astimezone(UTC)


class ZonedScheduler(StoppableScheduler):
    """rq-scheduler whose recurring jobs fire on the wall clock of their own time zone."""

    stop_requested = False

    def stop_on_signal(self):
        """SIGTERM / SIGINT end run(); its `finally` says goodbye to Redis (which may be down)."""

        def stop(signum, frame):
            self.stop_requested = True
            self.log.info("Shutting down the scheduler (signal %s)", signum)
            raise SystemExit()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

    def schedule_recurring(self, spec: RecurringJob, retry_delays: list[int],
                           first_run: datetime | None = None):
        """Create or replace the recurring job `spec.id`; it first runs at `first_run` or its next cron time."""
        check_schedule(spec.cron, spec.zone)
        job = create_job(
            self, spec.func, id=spec.id, description=spec.description, result_ttl=KEEP_FOREVER, commit=False,
            meta={"cron": spec.cron, "cron_timezone": spec.zone, "retries": len(retry_delays)},
        )
        job.retry_intervals = list(retry_delays)
        job.retries_left = len(retry_delays) or None
        job.save()
        when = first_run or next_run(spec.cron, spec.zone)
        self.connection.zadd(self.scheduled_jobs_key, {job.id: to_unix(when)})
        return job

    def enqueue_job(self, job):
        """Put a due job on its queue; a recurring one is then rescheduled at its next zoned cron time."""
        cron = job.meta.get("cron")
        if cron is None:
            return super().enqueue_job(job)
        queue = self.get_queue_for_job(job)
        if job.get_status() == JobStatus.QUEUED and self.connection.lpos(queue.key, job.id) is not None:
            self.log.warning("%s is still waiting on queue %s: not queued twice", job.id, queue.name)
        else:
            job.retries_left = job.meta.get("retries") or None  # every run gets all its retries
            queue.enqueue_job(job, at_front=bool(job.enqueue_at_front))
            self.log.info("Queued %s (%s) on %s", job.id, job.description, queue.name)
        self.connection.zadd(self.scheduled_jobs_key,
                             {job.id: to_unix(next_run(cron, job.meta["cron_timezone"]))})
        return job


def register_jobs(scheduler: ZonedScheduler, config, catch_up: bool = True) -> list:
    """(Re-)register every recurring job under its stable id; with catch_up each first runs now."""
    first_run = datetime.now(UTC) if catch_up else None
    jobs = []
    for spec in recurring_jobs(config):
        jobs.append(scheduler.schedule_recurring(spec, config["JOB_RETRY_DELAYS"], first_run=first_run))
        log.info("Registered %s: cron %r in %s, next regular run %s", spec.id, spec.cron, spec.zone,
                 next_run(spec.cron, spec.zone).isoformat())
    return jobs


def scheduled_jobs(scheduler: Scheduler) -> list[tuple]:
    """Every job waiting in rq-scheduler, with its next run time (UTC), soonest first."""
    entries = scheduler.connection.zrange(scheduler.scheduled_jobs_key, 0, -1, withscores=True)
    ids = [job_id.decode() for job_id, _ in entries]
    jobs = scheduler.job_class.fetch_many(ids, connection=scheduler.connection)
    return [(job, datetime.fromtimestamp(score, UTC))
            for job, (_, score) in zip(jobs, entries) if job is not None]
