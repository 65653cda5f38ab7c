"""Entry point of the rq worker process (python -m worker.worker): runs queued jobs in app contexts,
and retries failed jobs after their backoff delays (rq's scheduler for retries runs alongside)."""
from rq import Queue, Worker

from worker.compat import shutdown_requested
from worker.context import AppContextJob, get_app, redis_from_app
from worker.jobs import probe_killed
from worker.runtime import REDIS_ERRORS, configure_logging, keep_running


def horse_killed(app):
    """rq's hook for a job whose work horse was killed (SIGKILL, out of memory), in the worker itself."""

    def handler(job, pid, status, rusage):
        with app.app_context():
            probe_killed(job)

    return handler


def run_worker(app, connection) -> bool:
    """Work until asked to stop; False when the worker loop ended on its own (e.g. Redis lost)."""
    queue = Queue(app.config["RQ_QUEUE"], connection=connection, job_class=AppContextJob)
    worker = Worker([queue], connection=connection, job_class=AppContextJob,
                    work_horse_killed_handler=horse_killed(app))
    try:
        worker.work(with_scheduler=True, logging_level="INFO")
    except REDIS_ERRORS:
        # Asked to stop while Redis was gone: saying goodbye to Redis failed, stopping did not.
        if not shutdown_requested(worker):
            raise
    finally:
        if worker.pubsub_thread is not None:  # its retry loop would outlive this worker
            worker.pubsub_thread.stop()
    return shutdown_requested(worker)


def main():
    configure_logging()
    app = get_app()
    connection = redis_from_app(app)
    keep_running(lambda: run_worker(app, connection), connection, "worker")


if __name__ == "__main__":
    main()
