"""Entry point of the scheduler process (python -m worker.scheduler): registers our recurring jobs,
then runs rq-scheduler's loop; survives Redis outages and registers the jobs again when it returns."""
import logging

from worker.context import get_app, redis_from_app
from worker.runtime import REDIS_ERRORS, configure_logging, keep_running
from worker.schedule import ZonedScheduler, register_jobs

log = logging.getLogger("worker.scheduler")


def run_scheduler(app, connection) -> None:
    """Register the recurring jobs (with a catch-up run now) and move due jobs to the queue forever."""
    scheduler = ZonedScheduler(queue_name=app.config["RQ_QUEUE"], connection=connection,
                               interval=app.config["SCHEDULER_INTERVAL"])
    register_jobs(scheduler, app.config, catch_up=True)
    log.info("scheduler: polling every %s s for queue %s", app.config["SCHEDULER_INTERVAL"],
             app.config["RQ_QUEUE"])
    try:
        scheduler.run()
    except REDIS_ERRORS:
        # Asked to stop while Redis was gone: saying goodbye to Redis failed, stopping did not.
        if not scheduler.stop_requested:
            raise


def main():
    configure_logging()
    app = get_app()
    connection = redis_from_app(app)
    keep_running(lambda: run_scheduler(app, connection), connection, "scheduler")


if __name__ == "__main__":
    main()
