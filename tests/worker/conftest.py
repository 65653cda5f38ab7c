"""Fixtures of the worker tests: the scheduler, the Procfile processes, a Redis that can fail, a table that can."""
import os
import signal
import time

import pytest
from sqlalchemy import text

from tests.conftest import REDIS_URL
from tests.support.processes import Process, ThrowawayRedis, process_env
from webapp.core.extensions import db
from worker.schedule import ZonedScheduler


@pytest.fixture
def scheduler(app, redis_conn):
    return ZonedScheduler(queue_name=app.config["RQ_QUEUE"], connection=redis_conn, interval=1)


@pytest.fixture
def machine_zone():
    """Run the test as if the machine's local time zone were another one, then restore it."""
    saved = os.environ.get("TZ")

    def set_zone(name):
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.fixture
def start(database_url, tmp_path, redis_conn):
    """Start a Procfile process against the test database and Redis db; all are stopped afterwards."""
    started = []

    def start_process(name, **settings):
        settings.setdefault("PLAN_TIMEZONE", "Pacific/Auckland")
        process = Process(name, process_env(database_url, REDIS_URL, tmp_path, **settings), tmp_path)
        started.append(process)
        return process

    yield start_process
    for process in started:
        process.stop()


@pytest.fixture
def redis_server():
    server = ThrowawayRedis().start()
    yield server
    server.stop()


@pytest.fixture
def processes(database_url, redis_server, tmp_path):
    """The Procfile's scheduler and worker, pointed at the throwaway Redis."""
    env = process_env(database_url, redis_server.url, tmp_path)
    started = [Process("scheduler", env, tmp_path), Process("worker", env, tmp_path)]
    yield started
    for process in started:
        process.stop()


@pytest.fixture
def broken_plan_history(app):
    """Make every insert into plan_changes fail in PostgreSQL, as a real outage of that table would."""
    statements = [
        "CREATE FUNCTION test_refuse_plan_change() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'plan history is unavailable'; END $$",
        "CREATE TRIGGER test_refuse_plan_change BEFORE INSERT ON plan_changes "
        "FOR EACH ROW EXECUTE FUNCTION test_refuse_plan_change()",
    ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    yield
    db.session.remove()  # DROP TRIGGER waits for every open transaction that touched the table
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS test_refuse_plan_change ON plan_changes"))
        conn.execute(text("DROP FUNCTION IF EXISTS test_refuse_plan_change()"))


@pytest.fixture
def throwaway_redis_config(redis_server):
    """Settings that point the test app at the throwaway Redis the outage tests stop and start."""
    return {"REDIS_URL": redis_server.url, "RATELIMIT_STORAGE_URI": redis_server.url}


@pytest.fixture
def hanging_redis(redis_server):
    """Stop the Redis process (SIGSTOP): connections are accepted by the kernel, nothing is answered."""
    def hang():
        os.kill(redis_server.popen.pid, signal.SIGSTOP)

    yield hang
    os.kill(redis_server.popen.pid, signal.SIGCONT)
