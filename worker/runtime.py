"""What the worker and scheduler processes share: logging set-up and surviving Redis outages."""
import logging
import signal
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError)
MAX_BACKOFF = 10


def configure_logging():
    """Timestamped INFO logs on stderr, as the Procfile processes' supervisor expects."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def wait_for_redis(connection: Redis, name: str) -> None:
    """Block until Redis answers, retrying with exponential backoff (1 s doubling up to MAX_BACKOFF)."""
    delay = 1
    while True:
        try:
            connection.ping()
            return
        except REDIS_ERRORS as exc:
            log.error("%s: Redis unavailable (%s); retrying in %d s", name, exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF)


def keep_running(run, connection: Redis, name: str) -> None:
    """Call run() until it returns normally, starting it again whenever Redis goes away.

    run() returns False when it stopped for another reason than a shutdown request (then it is
    started again too). SIGTERM / SIGINT during a wait end the process at once.
    """
    while True:
        wait_for_redis(connection, name)
        try:
            if run() is not False:
                return
            log.warning("%s: stopped unexpectedly; starting again", name)
        except REDIS_ERRORS as exc:
            log.error("%s: lost Redis (%s); waiting for it to come back", name, exc)
        # rq installs its own handlers while running; between runs a signal must simply stop us.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        time.sleep(1)
