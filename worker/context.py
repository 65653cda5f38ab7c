"""The Flask app for background work: built once per process, never at import time.

Every job runs inside an app context through AppContextJob (Flask-RQ's FlaskJob idea), so job
functions are plain functions that use the database like any service does.
"""
from functools import lru_cache

from flask import current_app, has_app_context
from redis import Redis
from rq.job import Job


@lru_cache(maxsize=1)
def get_app():
    """The application for this process (APP_ENV picks the configuration)."""
    from webapp import create_app

    return create_app()


def redis_from_app(app) -> Redis:
    """A Redis client for the app's REDIS_URL, with timeouts so a dead server is noticed."""
    return Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=5, health_check_interval=30)


class AppContextJob(Job):
    """An rq job performed inside a fresh app context of the process's application."""

    def perform(self):
        app = current_app._get_current_object() if has_app_context() else get_app()
        with app.app_context():
            return super().perform()
