"""CLI `flask jobs`: the scheduled jobs with their next run, and the last runs with their outcome."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry
from rq.results import Result

from worker.context import redis_from_app
from worker.runtime import REDIS_ERRORS
from worker.schedule import ZonedScheduler, scheduled_jobs

RECENT_RUNS = 10
OUTCOMES = {Result.Type.SUCCESSFUL: "finished", Result.Type.FAILED: "failed",
            Result.Type.STOPPED: "stopped", Result.Type.RETRIED: "retried",
            Result.Type.MAX_RETRIES_EXCEEDED: "failed"}


def format_time(moment: datetime, zone: ZoneInfo) -> str:
    """A UTC time shown in the plan time zone, followed by UTC."""
    local = moment.astimezone(zone)
    utc = moment.astimezone(UTC)
    return f"{local:%Y-%m-%d %H:%M:%S %Z} ({utc:%Y-%m-%d %H:%M:%S} UTC)"


def describe_result(result: Result) -> str:
    """One line saying what a run did or why it failed."""
    if result.type == Result.Type.SUCCESSFUL:
        value = result.return_value
        if isinstance(value, dict) and "downgraded" in value:
            names = ", ".join(c["name"] for c in value.get("corporations", []))
            reminders = len(value.get("reminders", []))
            return (f"downgraded {value['downgraded']}" + (f": {names}" if names else "")
                    + (f"; {reminders} plan reminder(s) sent" if reminders else ""))
        if isinstance(value, dict) and "removed" in value and "bytes" in value:
            return f"removed {value['removed']} file(s), {value['bytes']} bytes"
        if isinstance(value, dict) and "removed" in value:
            return f"removed {value['removed']} unconfirmed sign-up(s)"
        return repr(value)
    return exception_summary(result.exc_string or "")


def exception_summary(traceback_text: str, limit: int = 200) -> str:
    """The "SomeError: message" line that follows a traceback's last frame."""
    lines = traceback_text.rstrip().splitlines()
    last_frame = max((i for i, line in enumerate(lines) if line.startswith("  File ")), default=-1)
    summary = next((line for line in lines[last_frame + 1:] if line and not line.startswith(" ")),
                   lines[-1] if lines else "")
    return summary if len(summary) <= limit else summary[:limit - 1] + "…"


def recent_runs(queue: Queue, job_ids) -> list[Result]:
    """The latest results (finished and failed) of the given jobs and of the queue's registries."""
    ids = set(job_ids)
    ids.update(FinishedJobRegistry(queue=queue).get_job_ids())
    ids.update(FailedJobRegistry(queue=queue).get_job_ids())
    results = []
    for job in queue.job_class.fetch_many(sorted(ids), connection=queue.connection):
        if job is not None:
            results.extend(job.results())
    return sorted(results, key=lambda r: r.created_at, reverse=True)[:RECENT_RUNS]


def print_jobs(connection, queue_name: str, zone: ZoneInfo) -> None:
    """Print the scheduled jobs, then the recent runs, then the failed registry's size."""
    scheduler = ZonedScheduler(queue_name=queue_name, connection=connection)
    queue = Queue(queue_name, connection=connection)
    scheduled = scheduled_jobs(scheduler)
    click.echo(f"Scheduled jobs (queue {queue_name}):")
    if not scheduled:
        click.echo("  none (is the scheduler process running?)")
    for job, when in scheduled:
        cron = job.meta.get("cron") or job.meta.get("cron_string")
        schedule = f"cron {cron!r} in {job.meta.get('cron_timezone', 'UTC')}" if cron else "once"
        click.echo(f"  {job.id}  {job.description}  [{schedule}]  next run {format_time(when, zone)}")
    retrying = ScheduledJobRegistry(queue=queue)
    for job_id in retrying.get_job_ids():
        try:
            when = retrying.get_scheduled_time(job_id)
        except NoSuchJobError:  # retried meanwhile
            continue
        click.echo(f"  {job_id}  failed, retry due {format_time(when, zone)}")
    click.echo("Recent runs:")
    runs = recent_runs(queue, [job.id for job, _ in scheduled])
    if not runs:
        click.echo("  none yet")
    for result in runs:
        outcome = OUTCOMES.get(result.type, result.type.name.lower())
        click.echo(f"  {format_time(result.created_at, zone)}  {result.job_id}  {outcome}: "
                   f"{describe_result(result)}")
    failed = FailedJobRegistry(queue=queue)
    click.echo(f"Queue {queue_name}: {queue.count} waiting, {len(failed)} in the failed registry.")


def register(app):
    """Add the `jobs` command to the app's CLI."""

    @app.cli.command("jobs")
    def jobs():
        """List scheduled jobs with their next run time, and the last runs with their outcome."""
        connection = redis_from_app(current_app)
        try:
            print_jobs(connection, current_app.config["RQ_QUEUE"],
                       ZoneInfo(current_app.config["PLAN_TIMEZONE"]))
        except REDIS_ERRORS as exc:
            raise click.ClickException(f"Redis is unavailable ({exc}): jobs are not being scheduled.") from None
        finally:
            connection.close()
