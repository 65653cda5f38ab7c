"""Entry point of the scheduler process: registers our cron jobs, then runs rq-scheduler's loop."""
import logging

from rq_scheduler import Scheduler

from worker.context import get_app, redis_from_app

EXPIRE_PLANS_JOB_ID = "cron-expire-plans"


def register_jobs(scheduler, app):
    """Register (or re-register) the recurring jobs under stable ids."""
    scheduler.cron(
        app.config["PLAN_EXPIRY_CRON"],
        func="worker.jobs.expire_plans",
        id=EXPIRE_PLANS_JOB_ID,
        queue_name=app.config["RQ_QUEUE"],
        result_ttl=2 * 24 * 3600,
        use_local_timezone=False,
    )


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = get_app()
    scheduler = Scheduler(queue_name=app.config["RQ_QUEUE"], connection=redis_from_app(app), interval=30)
    register_jobs(scheduler, app)
    scheduler.run()


if __name__ == "__main__":
    main()
