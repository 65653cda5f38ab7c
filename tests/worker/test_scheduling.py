"""The plan expiry schedule: cron on the wall clock of PLAN_TIMEZONE, one job under a stable id,
a catch-up run, results kept, and `flask jobs` (real Redis, a real rq worker in this process)."""
import re
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from config import DevelopmentConfig
from tests.factories import days_from_today, make_corporation
from webapp.core.extensions import db
from webapp.models import Corporation
from worker.context import AppContextJob
from worker.schedule import (
    EXPIRE_PLANS_JOB_ID,
    PROBE_BACKFILL_JOB_ID,
    PURGE_SIGNUPS_JOB_ID,
    SWEEP_MEDIA_JOB_ID,
    ZonedScheduler,
    check_schedule,
    next_run,
    register_jobs,
    scheduled_jobs,
)

pytestmark = pytest.mark.app_config(PLAN_TIMEZONE="Pacific/Auckland", PLAN_EXPIRY_CRON="5 0 * * *")

AUCKLAND = ZoneInfo("Pacific/Auckland")


RECURRING_IDS = sorted([EXPIRE_PLANS_JOB_ID, SWEEP_MEDIA_JOB_ID, PURGE_SIGNUPS_JOB_ID, PROBE_BACKFILL_JOB_ID])


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def auckland(*args):
    return datetime(*args, tzinfo=AUCKLAND)


def scheduled_ids(redis_conn):
    return [job_id.decode() for job_id in redis_conn.zrange(ZonedScheduler.scheduled_jobs_key, 0, -1)]


def score_of(redis_conn, job_id):
    return datetime.fromtimestamp(redis_conn.zscore(ZonedScheduler.scheduled_jobs_key, job_id), UTC)


def test_next_run_is_five_past_midnight_in_auckland_across_the_daylight_saving_change():
    """New Zealand moves to NZDT (UTC+13) at 02:00 on 27 September 2026: 00:05 moves from 12:05 to 11:05 UTC."""
    runs, after = [], utc(2026, 9, 25, 0, 0)
    for _ in range(4):
        after = next_run("5 0 * * *", "Pacific/Auckland", after)
        runs.append(after)
    assert runs == [auckland(2026, 9, day, 0, 5).astimezone(UTC) for day in (26, 27, 28, 29)]
    assert runs == [utc(2026, 9, 25, 12, 5), utc(2026, 9, 26, 12, 5), utc(2026, 9, 27, 11, 5),
                    utc(2026, 9, 28, 11, 5)]
    # And back to NZST (UTC+12) on 5 April 2027.
    back = next_run("5 0 * * *", "Pacific/Auckland", utc(2027, 4, 5, 0, 0))
    assert back == utc(2027, 4, 5, 12, 5) == auckland(2027, 4, 6, 0, 5).astimezone(UTC)


def test_registered_job_runs_at_the_plan_zone_wall_clock_whatever_the_machine_zone(
        app, scheduler, redis_conn, machine_zone):
    expected = next_run("5 0 * * *", "Pacific/Auckland")
    for zone in ("America/New_York", "UTC", "Asia/Kolkata"):
        machine_zone(zone)
        register_jobs(scheduler, app.config, catch_up=False)
        scheduled = score_of(redis_conn, EXPIRE_PLANS_JOB_ID)
        local = scheduled.astimezone(AUCKLAND)
        assert (local.hour, local.minute) == (0, 5)
        assert abs((scheduled - expected).total_seconds()) < 1


def test_starting_the_scheduler_five_times_leaves_exactly_one_scheduled_job(app, scheduler, redis_conn):
    for _ in range(5):
        register_jobs(ZonedScheduler(queue_name="default", connection=redis_conn), app.config)
    assert sorted(scheduled_ids(redis_conn)) == RECURRING_IDS
    job = scheduler.job_class.fetch(EXPIRE_PLANS_JOB_ID, connection=redis_conn)
    assert job.meta["cron"] == "5 0 * * *" and job.meta["cron_timezone"] == "Pacific/Auckland"
    assert job.func_name == "worker.jobs.expire_plans"


def test_catch_up_run_is_queued_at_start_then_the_job_waits_for_its_next_cron_time(
        app, scheduler, redis_conn):
    register_jobs(scheduler, app.config, catch_up=True)
    assert score_of(redis_conn, EXPIRE_PLANS_JOB_ID) <= datetime.now(UTC)

    scheduler.run(burst=True)
    queue = Queue("default", connection=redis_conn)
    assert sorted(queue.job_ids) == RECURRING_IDS
    next_time = score_of(redis_conn, EXPIRE_PLANS_JOB_ID).astimezone(AUCKLAND)
    assert next_time > datetime.now(UTC) and (next_time.hour, next_time.minute) == (0, 5)

    # Due again while the first copy still waits (no worker running): not queued twice.
    redis_conn.zadd(ZonedScheduler.scheduled_jobs_key, {EXPIRE_PLANS_JOB_ID: time.time() - 1})
    scheduler.run(burst=True)
    assert sorted(queue.job_ids) == RECURRING_IDS


def test_worker_runs_the_scheduled_job_and_the_job_stays_scheduled_after_its_result(
        app, scheduler, redis_conn):
    """A result_ttl shorter than the cron interval would make rq-scheduler drop the job: it must survive."""
    lapsed = make_corporation(name="Lapsed Ltd", plan="paid", plan_expires_at=days_from_today(-1))
    register_jobs(scheduler, app.config, catch_up=True)
    scheduler.run(burst=True)

    SimpleWorker([Queue("default", connection=redis_conn)], connection=redis_conn,
                 job_class=AppContextJob).work(burst=True)

    db.session.expire_all()
    assert db.session.scalar(select(Corporation.plan).where(Corporation.id == lapsed.id)) == "free"
    job = AppContextJob.fetch(EXPIRE_PLANS_JOB_ID, connection=redis_conn)
    assert job.get_status() == "finished"
    result = job.return_value()
    assert (result["downgraded"], result["corporations"]) == (1, [
        {"id": lapsed.id, "name": "Lapsed Ltd", "expired_on": days_from_today(-1).isoformat()}])
    assert [reminder["kind"] for reminder in result["reminders"]] == ["lapsed"]
    assert redis_conn.ttl(job.key) == -1  # kept until the next run replaces it
    assert sorted(j.id for j, _ in scheduled_jobs(scheduler)) == RECURRING_IDS
    assert job.retries_left == len(app.config["JOB_RETRY_DELAYS"]) == job.meta["retries"]


def test_flask_jobs_lists_the_schedule_and_the_last_runs(app, scheduler, redis_conn):
    runner = app.test_cli_runner()
    empty = runner.invoke(args=["jobs"])
    assert empty.exit_code == 0, empty.output
    assert "none (is the scheduler process running?)" in empty.output
    assert "none yet" in empty.output

    make_corporation(name="Lapsed Ltd", plan="paid", plan_expires_at=days_from_today(-3))
    register_jobs(scheduler, app.config, catch_up=True)
    scheduler.run(burst=True)
    SimpleWorker([Queue("default", connection=redis_conn)], connection=redis_conn,
                 job_class=AppContextJob).work(burst=True)

    listing = runner.invoke(args=["jobs"])
    assert listing.exit_code == 0, listing.output
    next_time = next_run("5 0 * * *", "Pacific/Auckland").astimezone(AUCKLAND)
    assert (f"{EXPIRE_PLANS_JOB_ID}  Downgrade expired paid plans  [cron '5 0 * * *' in Pacific/Auckland]"
            f"  next run {next_time:%Y-%m-%d} 00:05:00 NZ") in listing.output
    assert f"{EXPIRE_PLANS_JOB_ID}  finished: downgraded 1: Lapsed Ltd" in listing.output
    assert "Queue default: 0 waiting, 0 in the failed registry." in listing.output


def test_failed_run_waits_for_its_backoff_delay_before_the_retry(
        app, scheduler, redis_conn, broken_plan_history):
    app.config["JOB_RETRY_DELAYS"] = [300, 900]
    lapsed = make_corporation(name="Lapsed Ltd", plan="paid", plan_expires_at=days_from_today(-1))
    register_jobs(scheduler, app.config, catch_up=True)
    scheduler.run(burst=True)
    queue = Queue("default", connection=redis_conn)
    SimpleWorker([queue], connection=redis_conn, job_class=AppContextJob).work(burst=True)

    db.session.rollback()
    assert db.session.scalar(select(Corporation.plan).where(Corporation.id == lapsed.id)) == "paid"
    job = AppContextJob.fetch(EXPIRE_PLANS_JOB_ID, connection=redis_conn)
    assert job.get_status() == "scheduled" and job.retries_left == 1
    assert queue.count == 0  # not retried at once: five minutes later
    listing = app.test_cli_runner().invoke(args=["jobs"])
    retry_due = (datetime.now(UTC).timestamp() + 300)
    assert f"{EXPIRE_PLANS_JOB_ID}  failed, retry due " in listing.output
    line = next(line for line in listing.output.splitlines() if "retry due" in line)
    due = datetime.strptime(line.split("(")[1][:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert abs(due.timestamp() - retry_due) < 10


def test_flask_jobs_says_when_redis_is_unavailable(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/5"
    result = app.test_cli_runner().invoke(args=["jobs"])
    assert result.exit_code == 1
    assert "Redis is unavailable" in result.output and "jobs are not being scheduled" in result.output


@pytest.mark.parametrize("cron, zone, message", [
    ("5 0 * *", "UTC", "Invalid cron expression '5 0 * *'"),
    ("5 0 * * *", "Mars/Olympus", "Unknown time zone 'Mars/Olympus'"),
])
def test_an_unusable_schedule_is_refused_with_a_clear_message(cron, zone, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        check_schedule(cron, zone)


def test_job_settings_default_to_the_readme_and_refuse_garbage(monkeypatch):
    for name in ("PLAN_EXPIRY_CRON", "SCHEDULER_INTERVAL", "JOB_RETRY_DELAYS"):
        monkeypatch.delenv(name, raising=False)
    config = DevelopmentConfig()
    assert (config.PLAN_EXPIRY_CRON, config.SCHEDULER_INTERVAL, config.JOB_RETRY_DELAYS) == (
        "5 0 * * *", 30, [60, 300, 900])
    monkeypatch.setenv("JOB_RETRY_DELAYS", "10, 20")
    assert DevelopmentConfig().JOB_RETRY_DELAYS == [10, 20]
    monkeypatch.setenv("JOB_RETRY_DELAYS", "")
    assert DevelopmentConfig().JOB_RETRY_DELAYS == []
    monkeypatch.setenv("JOB_RETRY_DELAYS", "10,soon")
    with pytest.raises(RuntimeError, match="JOB_RETRY_DELAYS must be comma-separated whole numbers"):
        DevelopmentConfig()
