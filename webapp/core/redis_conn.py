"""Redis for the web process: one pool per URL, with short timeouts so a hanging Redis never
holds a page for long.

The web app needs Redis for two things only: the rate limits (Flask-Limiter, whose in-memory
fallback is the circuit breaker: after a failure it counts in memory and probes Redis again after
1, 2, 4 ... 32 s) and /readyz, which probes it every time with REDIS_TIMEOUT. Ended browser
sessions live in the database, so nothing about sessions is relaxed while Redis is away.
"""
from flask import current_app
from redis import Redis

_connections = {}


def redis_connection() -> Redis:
    """The process-wide Redis client for this app's REDIS_URL (timeouts from REDIS_TIMEOUT)."""
    key = (current_app.config["REDIS_URL"], current_app.config["REDIS_TIMEOUT"])
    if key not in _connections:
        _connections[key] = Redis.from_url(key[0], socket_connect_timeout=key[1], socket_timeout=key[1])
    return _connections[key]
