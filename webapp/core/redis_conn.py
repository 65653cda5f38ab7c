"""One Redis connection pool per process, with short timeouts so pages never hang on Redis."""
from flask import current_app
from redis import Redis

_connections = {}


def redis_connection() -> Redis:
    """The process-wide Redis client for this app's REDIS_URL."""
    url = current_app.config["REDIS_URL"]
    if url not in _connections:
        _connections[url] = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    return _connections[url]
