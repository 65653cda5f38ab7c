"""Redis for the web process: one pool per URL, short timeouts, and a circuit breaker.

A Redis that hangs (accepts connections, never answers) must not slow pages down. Every call
from the web app goes through `redis_call`: it gives up after REDIS_TIMEOUT seconds, and after a
failure the breaker stays open for REDIS_BREAKER_SECONDS, during which calls fail at once without
touching the network; the first call after that tries Redis again. The rate limiter has its own
breaker of the same kind (Flask-Limiter's in-memory fallback, see config.py).
"""
import threading
import time

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError

_connections = {}
_lock = threading.Lock()
_open_until: dict[str, float] = {}


class RedisUnavailable(RedisError):
    """Redis failed recently; not tried again until the breaker closes."""


def redis_connection() -> Redis:
    """The process-wide Redis client for this app's REDIS_URL (timeouts from REDIS_TIMEOUT)."""
    url = current_app.config["REDIS_URL"]
    timeout = current_app.config["REDIS_TIMEOUT"]
    key = (url, timeout)
    if key not in _connections:
        _connections[key] = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    return _connections[key]


def redis_call(operation):
    """Run `operation(redis)`; RedisError at once while the breaker is open, and opens it on failure."""
    url = current_app.config["REDIS_URL"]
    if time.monotonic() < _open_until.get(url, 0):
        raise RedisUnavailable("Redis failed recently; not tried again yet.")
    try:
        return operation(redis_connection())
    except RedisError:
        with _lock:
            _open_until[url] = time.monotonic() + current_app.config["REDIS_BREAKER_SECONDS"]
        current_app.logger.warning("Redis unavailable: not used for %s s", current_app.config["REDIS_BREAKER_SECONDS"])
        raise
