"""Pins the library internals we rely on (webapp/core/compat.py, worker/compat.py, serving.py).

Each test fails when an upgrade changes one of them, instead of a feature failing quietly: the
request log losing its user, the API docs losing their tags, the worker or scheduler not stopping.
"""
import functools
import inspect
import signal
import socket
import threading

import gevent
import gevent.event
import pytest
from flask import Flask, session
from flask_jwt_extended import get_jwt_header, verify_jwt_in_request, view_decorators
from flask_login import current_user
from flask_talisman import Talisman
from gevent.server import StreamServer
from gunicorn.workers import ggevent
from rq import Queue, Worker
from rq.exceptions import StopRequested

import serving
from serving import ACCEPT_PER_TURN, SHARE_SLACK, BatchAcceptServer, ConnectionShares
from webapp.accounts.sessions import open_session
from webapp.core.compat import (
    RouteLimiter,
    SiteWideTalisman,
    SyncFlask,
    decoded_access_token,
    forget_limiter_outage,
    loaded_login_user,
)
from webapp.core.extensions import db, limiter
from worker.compat import StoppableScheduler, create_job, shutdown_requested


def test_flask_login_caches_the_user_it_loaded_where_the_request_log_reads_it(app, admin):
    with app.test_request_context():
        session["_user_id"] = admin.get_id()
        assert loaded_login_user() is None  # reading it never loads the user
        assert current_user.id == admin.id
        assert loaded_login_user() is current_user._get_current_object()


def test_flask_jwt_extended_keeps_the_verified_claims_where_the_request_log_reads_them(app, admin):
    token = open_session(admin)["access_token"]
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    with app.test_request_context("/api/v1/me", headers=headers):
        assert decoded_access_token() == {}
        verify_jwt_in_request()
        assert decoded_access_token()["sub"] == str(admin.id)


def test_flask_jwt_extended_decodes_through_the_method_our_verified_token_cache_wraps(app, admin):
    token = open_session(admin)["access_token"]
    db.session.commit()
    manager = app.extensions["flask-jwt-extended"]
    manager._verified.clear()
    with app.test_request_context("/api/v1/me", headers={"Authorization": f"Bearer {token}"}):
        verify_jwt_in_request()
    assert [key[1] for key in manager._verified] == [token]


def test_flask_jwt_extended_reads_a_verified_tokens_header_through_the_function_we_remember_it_with(app, admin):
    token = open_session(admin)["access_token"]
    db.session.commit()
    remembered = view_decorators.get_unverified_jwt_headers.cache_info
    before = remembered()
    for _ in range(2):
        with app.test_request_context("/api/v1/me", headers={"Authorization": f"Bearer {token}"}):
            verify_jwt_in_request()
            assert get_jwt_header()["alg"] == "HS256"
            get_jwt_header()["alg"] = "none"  # a caller's change stays in its own copy
    after = remembered()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)


def test_a_token_remembered_under_one_key_is_not_believed_under_another(app, admin, client):
    token = open_session(admin)["access_token"]
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    app.config["JWT_SECRET_KEY"] = "another-key-0123456789-0123456789-0123456789"
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_flask_smorest_registers_our_resources_under_readable_tags_without_its_own_error_handlers(app, client):
    api = app.extensions["reelhouse_api"]
    assert app.extensions["flask-smorest"]["blp_name_to_api"]["api_users"] is api
    spec = client.get("/api/openapi.json").get_json()
    assert {"Users", "Videos", "Auth"} <= {tag["name"] for tag in spec["tags"]}
    assert spec["paths"]["/api/v1/users"]["get"]["tags"] == ["Users"]
    missing = client.get("/api/v1/users/1/nothing-here")
    assert missing.status_code == 404 and set(missing.get_json()) == {"error"}  # our envelope, not smorest's


def test_the_openapi_document_is_written_when_first_read_and_then_whole_every_time(app, client):
    """flask-smorest assigns `spec` in `_init_spec` and reads it only to document (ResourceApi)."""
    api = app.extensions["reelhouse_api"]
    assert api._spec.to_dict()["paths"] == {}  # building the app wrote nothing
    documents = []
    readers = [threading.Thread(target=lambda: documents.append(api.spec.to_dict())) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    served = client.get("/api/openapi.json").get_json()
    assert all(document == documents[0] for document in documents) and len(documents) == 4
    assert len(served["paths"]) == len(documents[0]["paths"]) >= 30
    assert {"/healthz", "/api/v1/videos", "/api/v1/me"} <= set(served["paths"])
    assert served["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert [tag["name"] for tag in served["tags"]][-1] == "Health"  # written in registration order


def test_flask_limiter_keeps_its_storage_outage_flag_where_the_app_clears_it(app):
    assert "_storage_dead" in vars(limiter)  # Flask-Limiter's own flag, read before each limit check
    limiter._storage_dead = True  # as after a Redis outage seen by a previous app
    forget_limiter_outage(limiter)
    assert limiter._storage_dead is False


def test_rq_records_a_stop_request_where_the_worker_loop_reads_it(redis_conn, signal_handlers):
    worker = Worker([Queue("pinned", connection=redis_conn)], connection=redis_conn)
    assert not shutdown_requested(worker)
    with pytest.raises(StopRequested):
        worker.request_stop(signal.SIGTERM, None)
    assert shutdown_requested(worker)


def test_rq_scheduler_builds_a_job_without_saving_or_scheduling_it(redis_conn):
    scheduler = StoppableScheduler(queue_name="pinned", connection=redis_conn)
    job = create_job(scheduler, "worker.jobs.expire_plans", id="pinned-job", description="Pinned",
                     result_ttl=-1, commit=False, meta={"cron": "5 0 * * *"})
    assert (job.id, job.func_name, job.description, job.meta) == (
        "pinned-job", "worker.jobs.expire_plans", "Pinned", {"cron": "5 0 * * *"})
    assert job.origin == "pinned"
    assert not redis_conn.exists(job.key)
    assert redis_conn.zscore(scheduler.scheduled_jobs_key, job.id) is None


def test_rq_scheduler_lets_a_subclass_install_the_signal_handlers_when_it_runs(redis_conn):
    calls = []

    class Recording(StoppableScheduler):
        def stop_on_signal(self):
            calls.append("installed")

    Recording(queue_name="pinned", connection=redis_conn, interval=1).run(burst=True)
    assert calls == ["installed"]


def limited_app(route_limiter):
    """A bare Flask app with an undecorated route and a route limited to 1 per minute."""
    bare = Flask(__name__)
    bare.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_HEADERS_ENABLED=True)
    route_limiter.init_app(bare)
    bare.add_url_rule("/open", "open", lambda: "ok")
    bare.add_url_rule("/limited", "limited", route_limiter.limit("1 per minute")(lambda: "ok"))
    return bare.test_client()


def test_flask_limiter_checks_view_limits_in_the_view_and_app_wide_ones_in_its_hook():
    route_only = RouteLimiter(key_func=lambda: "one-client")
    client = limited_app(route_only)
    assert not route_only.limits_every_request()  # so its before-request hook does nothing
    first = client.get("/limited")
    assert first.status_code == 200 and first.headers["X-RateLimit-Limit"] == "1"  # after-request hook runs
    assert client.get("/limited").status_code == 429
    assert {client.get("/open").status_code for _ in range(5)} == {200}
    app_wide = RouteLimiter(key_func=lambda: "one-client", application_limits=["2 per minute"])
    client = limited_app(app_wide)
    assert app_wide.limits_every_request()
    assert [client.get("/open").status_code for _ in range(3)] == [200, 200, 429]


def test_sync_flask_answers_as_flask_does_for_plain_functions_methods_partials_and_coroutines():
    class Hooks:
        def method(self):
            return "method"

        async def coroutine_method(self):
            return "coroutine"

    def plain():
        return "plain"

    async def coroutine():
        return "coroutine"

    ours, flask = SyncFlask(__name__), Flask(__name__)
    hooks = Hooks()
    for func in (plain, hooks.method, functools.partial(plain), len):
        assert ours.ensure_sync(func) is func and flask.ensure_sync(func) is func
    for func in (coroutine, hooks.coroutine_method, functools.partial(coroutine)):
        for app in (ours, flask):  # Flask's own path: without its "async" extra, it refuses coroutines
            with pytest.raises(RuntimeError, match="'async' extra"):
                app.ensure_sync(func)


def test_site_wide_talisman_sends_what_flask_talisman_sends_on_every_response():
    def headers_of(talisman_class, url):
        bare = Flask(__name__)
        bare.add_url_rule("/", "index", lambda: "ok")
        talisman_class(bare, force_https=False, content_security_policy={"default-src": "'self'"},
                       permissions_policy={"camera": "()"}, frame_options="DENY", referrer_policy="same-origin")
        with bare.test_client() as client:
            responses = [client.get(url) for _ in range(2)]
        assert responses[0].headers == responses[1].headers
        return {name: value for name, value in responses[0].headers if name not in ("Content-Length",)}

    for url in ("http://localhost/", "https://localhost/"):
        assert headers_of(SiteWideTalisman, url) == headers_of(Talisman, url)
    assert "Strict-Transport-Security" in headers_of(SiteWideTalisman, "https://localhost/")
    assert "Strict-Transport-Security" not in headers_of(SiteWideTalisman, "http://localhost/")


def test_gunicorns_gevent_worker_builds_its_server_from_the_name_our_worker_replaces():
    """serving.Worker swaps `StreamServer` in gunicorn's ggevent module; gunicorn must still build its
    server from that name and lower `max_accept` through the attribute our server class guards."""
    source = inspect.getsource(ggevent.GeventWorker.run)
    assert "StreamServer(s, handle=hfun" in source and "server.max_accept = 1" in source


def test_the_batch_accept_server_keeps_its_batch_when_gunicorn_asks_for_one_at_a_time():
    server = BatchAcceptServer(("127.0.0.1", 0), handle=lambda *args: None)
    assert server.max_accept == ACCEPT_PER_TURN
    server.max_accept = 1  # what gunicorn sets with several workers
    assert server.max_accept == ACCEPT_PER_TURN > 1


def test_gevents_server_accepts_through_the_methods_our_server_class_overrides():
    """BatchAcceptServer relies on gevent's accept loop (`_do_read`, run when the listening socket is
    readable) calling `do_read` once per connection and ending the batch when it returns nothing."""
    source = inspect.getsource(StreamServer._do_read)
    assert "for _ in xrange(self.max_accept):" in source
    assert "args = self.do_read()" in source and "if not args:" in source


def test_a_worker_takes_a_batch_up_to_its_share_then_one_connection_per_turn(monkeypatch):
    shares = ConnectionShares()
    shares.start(1)  # another worker, holding no connection
    shares.start(0)  # this one
    monkeypatch.setattr(serving, "SHARES", shares)
    accepted, release = [], gevent.event.Event()

    def handle(client, address):  # holds its connection until released, as a keep-alive client would
        accepted.append(client)
        release.wait()

    server = BatchAcceptServer(("127.0.0.1", 0), handle=handle)
    server.start()
    server.stop_accepting()  # the turns are run by hand below
    clients = [socket.create_connection(server.address, timeout=5) for _ in range(SHARE_SLACK + 4)]

    def turn():
        server._do_read()  # what the event loop runs when the listening socket is readable
        gevent.sleep(0.05)  # the accepted connections' greenlets run
        return len(accepted)

    try:
        assert turn() == SHARE_SLACK + 1  # a batch, up to its share
        assert turn() == SHARE_SLACK + 2  # over its share: one per turn, the rest left to the others
        shares.slot = 1
        for _ in range(10):
            shares.opened()  # the other worker now holds 10
        shares.slot = 0
        assert turn() == len(clients)  # within its share again: the rest in one batch
        release.set()
        gevent.sleep(0.05)  # every connection handled and closed: uncounted
        shares.slot = 1
        for _ in range(10):
            shares.closed()  # and the other worker's closed too
        shares.slot = 0
        accepted.clear()
        more = [socket.create_connection(server.address, timeout=5) for _ in range(SHARE_SLACK + 2)]
        clients += more
        assert turn() == SHARE_SLACK + 1  # counts back to none: a full share again
    finally:
        release.set()
        server.stop()
        for client in clients + accepted:
            client.close()
