"""Redis stopped: the web pages keep working and /readyz says Redis is unavailable; the scheduler and
the worker carry on once Redis is back (a throwaway redis-server, never the shared one)."""
import pytest

from tests.factories import PASSWORD, days_from_today, make_admin, make_corporation
from tests.support.helpers import post_form
from tests.support.processes import wait_until
from webapp.core.extensions import db
from webapp.models import Corporation
from worker.schedule import EXPIRE_PLANS_JOB_ID, ZonedScheduler

pytestmark = [pytest.mark.slow, pytest.mark.app_config("throwaway_redis_config")]


def is_scheduled(redis_server):
    client = redis_server.client()
    try:
        return client.zscore(ZonedScheduler.scheduled_jobs_key, EXPIRE_PLANS_JOB_ID) is not None
    except Exception:  # Redis still starting
        return False
    finally:
        client.close()


def plan_of(corporation_id):
    db.session.rollback()
    return db.session.get(Corporation, corporation_id).plan


def test_pages_work_without_redis_and_scheduling_resumes_when_it_returns(
        app, client, redis_server, processes):
    scheduler, worker = processes
    admin = make_admin(make_corporation(name="Initech", plan="paid", plan_expires_at=days_from_today(9)),
                       email="boss@initech.example.com")
    scheduler.wait_for_log(f"Registered {EXPIRE_PLANS_JOB_ID}")
    assert client.get("/readyz").status_code == 200

    redis_server.stop()

    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable", "checks": {"database": "ok", "redis": "unavailable"}}
    assert client.get("/login").status_code == 200
    login = post_form(client, "/login", {"email": admin.email, "password": PASSWORD})
    assert login.status_code == 302, login.get_data(as_text=True)
    home = client.get("/")
    assert home.status_code == 200 and "Welcome back, boss@initech.example.com" in home.get_data(as_text=True)
    scheduler.wait_for_log("Redis unavailable")
    lapsed = make_corporation(name="Lapsed Ltd", plan="paid", plan_expires_at=days_from_today(-1))
    assert scheduler.alive() and worker.alive()

    redis_server.start()  # same port, empty: everything must be registered again

    wait_until(lambda: is_scheduled(redis_server), deadline=30, message="the scheduler to register again")
    wait_until(lambda: plan_of(lapsed.id) == "free", deadline=60, message="the catch-up run after the outage")
    assert client.get("/readyz").status_code == 200


def test_worker_and_scheduler_stop_on_sigterm_while_redis_is_down(app, redis_server, processes):
    """A deploy that stops the processes during an outage must not hang on them."""
    scheduler, worker = processes
    scheduler.wait_for_log(f"Registered {EXPIRE_PLANS_JOB_ID}")
    worker.wait_for_log("Listening on default")
    redis_server.stop()
    scheduler.wait_for_log("Redis unavailable")
    worker.wait_for_log("could not connect to Redis")

    for process in (scheduler, worker):
        process.popen.terminate()
    for process in (scheduler, worker):
        process.popen.wait(timeout=10)

