"""The Procfile's worker and scheduler as real processes: expired plans are downgraded on schedule,
restarts keep one scheduled job, and a failing job is retried with backoff, then kept as failed."""
import os
import time
from pathlib import Path

import pytest
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.results import Result
from sqlalchemy import func, select

from tests.factories import days_from_today, make_corporation
from tests.support.processes import wait_until
from webapp.core.extensions import db
from webapp.models import AuditEvent, Corporation, PlanChange
from worker.schedule import (
    EXPIRE_PLANS_JOB_ID,
    PROBE_BACKFILL_JOB_ID,
    PURGE_SIGNUPS_JOB_ID,
    SWEEP_MEDIA_JOB_ID,
    ZonedScheduler,
)

pytestmark = [pytest.mark.slow, pytest.mark.app_config(PLAN_TIMEZONE="Pacific/Auckland")]

EVERY_TWO_SECONDS = "* * * * * */2"  # croniter's optional sixth field: seconds


def plan_of(corporation_id):
    db.session.rollback()  # a fresh look, and no lock kept between polls
    return db.session.scalar(select(Corporation.plan).where(Corporation.id == corporation_id))


def results_of(redis_conn):
    try:
        return Job.fetch(EXPIRE_PLANS_JOB_ID, connection=redis_conn).results()
    except Exception:  # not created yet
        return []


def test_scheduled_job_downgrades_an_expired_plan_and_restarts_keep_one_scheduled_job(
        app, start, redis_conn):
    worker = start("worker")
    scheduler = start("scheduler", PLAN_EXPIRY_CRON=EVERY_TWO_SECONDS)
    # The catch-up run at start has nothing to do yet.
    wait_until(lambda: results_of(redis_conn), message="the catch-up run")
    lapsed = make_corporation(name="Lapsed Ltd", plan="paid", plan_expires_at=days_from_today(-1))
    current = make_corporation(name="Current Co", plan="paid", plan_expires_at=days_from_today(0))

    wait_until(lambda: plan_of(lapsed.id) == "free", message="the scheduled run to downgrade Lapsed Ltd")

    assert plan_of(current.id) == "paid"
    history = db.session.scalars(select(PlanChange).where(PlanChange.corporation_id == lapsed.id)).all()
    assert [(h.from_plan, h.to_plan, h.changed_by_id) for h in history] == [("paid", "free", None)]
    worker.wait_for_log(f"downgraded 1 corporation(s) to free: Lapsed Ltd (#{lapsed.id}")

    for _ in range(5):
        scheduler.stop()
        scheduler = start("scheduler", PLAN_EXPIRY_CRON=EVERY_TWO_SECONDS)
        scheduler.wait_for_log(f"Registered {EXPIRE_PLANS_JOB_ID}")
    ids = redis_conn.zrange(ZonedScheduler.scheduled_jobs_key, 0, -1)
    assert sorted(ids) == sorted(job_id.encode() for job_id in (  # one of each
        EXPIRE_PLANS_JOB_ID, SWEEP_MEDIA_JOB_ID, PURGE_SIGNUPS_JOB_ID, PROBE_BACKFILL_JOB_ID))
    # The scheduler keeps running the job afterwards, and history was written once.
    runs_before = len(results_of(redis_conn))
    wait_until(lambda: len(results_of(redis_conn)) > runs_before, message="another scheduled run")
    assert db.session.scalar(select(func.count()).select_from(PlanChange)) == 1


def test_failing_job_is_retried_with_backoff_then_kept_as_failed_with_nothing_half_applied(
        app, start, redis_conn, broken_plan_history):
    lapsed = make_corporation(name="Lapsed Ltd", plan="paid", plan_expires_at=days_from_today(-1))
    worker = start("worker", JOB_RETRY_DELAYS="1,2")
    start("scheduler", JOB_RETRY_DELAYS="1,2")  # default cron: only the catch-up run happens now

    failed = FailedJobRegistry("default", connection=redis_conn)
    wait_until(lambda: EXPIRE_PLANS_JOB_ID in failed.get_job_ids(), deadline=40,
               message="the job to land in the failed registry")

    assert worker.log.count(f"Job {EXPIRE_PLANS_JOB_ID}: scheduled for retry") == 2
    result = results_of(redis_conn)[0]
    assert result.type == Result.Type.FAILED
    assert "Traceback" in result.exc_string and "plan history is unavailable" in result.exc_string
    # One transaction: the UPDATE of the corporation was rolled back with the failed history insert.
    assert plan_of(lapsed.id) == "paid"
    assert db.session.scalar(select(func.count()).select_from(PlanChange)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0

    listing = app.test_cli_runner().invoke(args=["jobs"])
    assert f"{EXPIRE_PLANS_JOB_ID}  failed: " in listing.output
    assert "plan history is unavailable" in listing.output
    assert "1 in the failed registry" in listing.output


def aged(path: Path, hours: float) -> Path:
    path.write_bytes(b"partial upload")
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


def test_the_scheduler_runs_the_media_sweep_and_the_worker_logs_what_it_removed(app, start, redis_conn):
    """A copy that crashed left MEDIA_ROOT/<key>.part behind: the scheduled sweep removes it once it
    is older than the safety margin, and leaves a recent one (an upload being copied) alone."""
    root = Path(app.config["MEDIA_ROOT"])
    stale = aged(root / ("c" * 32 + ".mp4.part"), 25)
    recent = aged(root / ("e" * 32 + ".mp4.part"), 1)
    worker = start("worker")
    scheduler = start("scheduler")  # registers the sweep and queues its catch-up run at once

    scheduler.wait_for_log(f"Registered {SWEEP_MEDIA_JOB_ID}")
    wait_until(lambda: not stale.exists(), message="the sweep to remove the stale .part file")
    worker.wait_for_log(f"sweep_media: removed {stale.name} (14 bytes, unfinished upload)")
    worker.wait_for_log("sweep_media: removed 1 file(s), 14 bytes")
    assert recent.exists()
    assert redis_conn.zscore(ZonedScheduler.scheduled_jobs_key, SWEEP_MEDIA_JOB_ID) is not None
