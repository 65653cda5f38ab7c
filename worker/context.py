"""The Flask app for background jobs: built once per process, never at import time."""
from functools import lru_cache

from redis import Redis


@lru_cache(maxsize=1)
def get_app():
    """The application for this worker process (APP_ENV picks the configuration)."""
    from webapp import create_app

    return create_app()


def redis_from_app(app) -> Redis:
    return Redis.from_url(app.config["REDIS_URL"])
