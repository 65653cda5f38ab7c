"""Putting background work on the rq queue from the web process (which never imports the worker).

Jobs are named by their dotted path; each gets the retries of JOB_RETRY_DELAYS and then stays in
rq's failed registry. Call it after the commit of whatever the job will read.
"""
import logging

from flask import current_app
from rq import Queue, Retry

from webapp.core.redis_conn import redis_connection

log = logging.getLogger(__name__)


def enqueue(func: str, *args, description: str):
    """Queue `func(*args)`; None (logged) when Redis cannot take it: pages work without Redis."""
    delays = list(current_app.config["JOB_RETRY_DELAYS"])
    try:
        queue = Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())
        return queue.enqueue(func, *args, description=description,
                             retry=Retry(max=len(delays), interval=delays) if delays else None)
    except Exception:  # noqa: BLE001 - Redis down or hanging: say so, do not fail the request
        log.exception("could not queue %s", description)
        return None
