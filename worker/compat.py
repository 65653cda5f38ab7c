"""Every use of rq's and rq-scheduler's private API, in one place (tests/test_library_adapters.py pins each one)."""
from rq import Worker
from rq_scheduler import Scheduler


def shutdown_requested(worker: Worker) -> bool:
    """Has the worker been asked to stop (SIGTERM / SIGINT)? rq 3 records it only in a private attribute."""
    return worker._shutdown_requested_date is not None


def create_job(scheduler: Scheduler, func: str, **options):
    """A job built by rq-scheduler (its connection, queue and serializer) but not yet saved or scheduled.

    rq-scheduler 0.14 offers this step only as the private `_create_job`; its public methods also
    schedule the job, at a time it computes itself in the process's local zone.
    """
    return scheduler._create_job(func, **options)


class StoppableScheduler(Scheduler):
    """rq-scheduler whose signal handlers a subclass may replace (`stop_on_signal`).

    rq-scheduler 0.14 installs its handlers in the private `_install_signal_handlers`, called by run().
    """

    def _install_signal_handlers(self):
        self.stop_on_signal()

    def stop_on_signal(self):
        """Install the process's SIGTERM / SIGINT handlers (default: rq-scheduler's own)."""
        super()._install_signal_handlers()
