"""Shared fixtures: a fresh PostgreSQL database per test run, real Redis, an origin server, a live app."""
import contextlib
import contextvars
import os
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import text
from sqlalchemy.engine import make_url

from config import TestingConfig
from tests import factories
from tests.support.helpers import log_in
from tests.support.http_server import loopback_server
from tests.support.mailbox import mail_settings, mailbox, run_jobs, smtp_server  # noqa: F401 - fixtures
from tests.support.origin import OriginServer
from tests.support.s3 import s3_bucket, s3_server, s3_storage  # noqa: F401 - fixtures
from webapp import create_app
from webapp.core.extensions import db, limiter
from webapp.media.origin import forget_origin
from worker.cli import register_commands

ADMIN_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _redis_url_of_this_test_process() -> str:
    """TEST_REDIS_URL's database for a plain run; with pytest-xdist (`make test` runs two processes),
    worker gwN takes the N-th database before it (15, 14, ...: away from `make run`'s 0), so parallel
    tests never share queues or counters."""
    url = make_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    return url.set(database=str((int(url.database or 0) - worker) % 16)).render_as_string(hide_password=False)


REDIS_URL = _redis_url_of_this_test_process()
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _admin_connection():
    url = make_url(ADMIN_DATABASE_URL.replace("postgresql+psycopg2", "postgresql"))
    conn = psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username,
                            password=url.password, dbname=url.database or "postgres")
    conn.autocommit = True
    return conn


@pytest.fixture(scope="session")
def database_url():
    """A database of its own for this test run, migrated to head, dropped at the end."""
    name = f"reelhouse_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conn = _admin_connection()
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_DATABASE_URL).set(drivername="postgresql+psycopg2", database=name)
    url_string = url.render_as_string(hide_password=False)
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url_string})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url_string
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture
def app_config(database_url, tmp_path, origin_server, request):
    """Config overrides for the test app; tests may change entries before `app` is built.

    The origin fixture lives on 127.0.0.1, which the SSRF guard refuses unless allow-listed.
    A module or test adds entries with @pytest.mark.app_config(NAME=value, ...), whose positional
    arguments name fixtures that return more entries, or with
    @pytest.mark.parametrize("app_config", [{...}], indirect=True).
    """
    config = {
        "VIDEO_SOURCE_ALLOWED_HOSTS": [f"127.0.0.1:{origin_server.port}"],
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SERVER_NAME": None,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }
    for marker in reversed(list(request.node.iter_markers("app_config"))):  # the module's first, the test's last
        for fixture_name in marker.args:
            config.update(request.getfixturevalue(fixture_name))
        config.update(marker.kwargs)
    return {**config, **getattr(request, "param", {})}


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The test itself keeps an app context for factories; without this, requests would share its
    `g` and database session (hiding bugs, and caching CSRF tokens across requests).
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # read and close the body, as a WSGI server does
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def app(app_config):
    """The application (with the CLI, as wsgi.py builds it), an app context pushed; tables emptied afterwards."""
    app = create_app(TestingConfig, app_config)
    register_commands(app)
    app.test_client_class = IsolatedClient
    # Flask-Limiter keeps the key prefix of the first app it was given, so the prefix alone does not
    # separate tests: empty the limiter's counters (in the test Redis database) instead.
    with contextlib.suppress(RedisConnectionError):  # a test may point the limiter at a dead Redis
        limiter.reset()
    with app.app_context():
        yield app
        empty_all_tables()


def empty_all_tables():
    """Delete every row and restart every id sequence (inside an app context); release the connections.

    DELETE, children first, rather than TRUNCATE: a test leaves a few rows, and PostgreSQL's TRUNCATE
    makes new files for every table and index (about 100 ms a test, against a few ms).
    """
    db.session.remove()
    deletes = "".join(f'DELETE FROM "{table.name}";' for table in reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        sequences = conn.scalars(text("SELECT quote_ident(sequencename) FROM pg_sequences "
                                      "WHERE schemaname = current_schema()")).all()
        conn.execute(text(deletes + "".join(f"ALTER SEQUENCE {name} RESTART;" for name in sequences)))
    db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(client):
    """Log the test client in as a user: `login_as(user).get(...)`."""
    return lambda user: log_in(client, user)


@pytest.fixture
def corporation(app):
    return factories.make_corporation(name="Initech")


@pytest.fixture
def admin(corporation):
    return factories.make_admin(corporation, email="boss@initech.example.com")


@pytest.fixture
def guest(corporation):
    return factories.make_user(corporation, email="guest@initech.example.com")


@pytest.fixture
def other_admin(app):
    """An admin of another corporation: everything of `corporation` must be invisible to them."""
    return factories.make_admin(factories.make_corporation(name="Umbrella"), email="boss@umbrella.example.com")


@pytest.fixture
def admin_client(app, admin):
    """A browser where the admin is logged in."""
    return log_in(app.test_client(), admin)


@pytest.fixture
def guest_client(app, guest):
    """A browser where the guest is logged in."""
    return log_in(app.test_client(), guest)


@pytest.fixture
def redis_conn():
    """The test Redis database, emptied before the test."""
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def origin_server(tmp_path_factory):
    """A real HTTP origin on 127.0.0.1 serving files with Range support."""
    server = OriginServer(tmp_path_factory.mktemp("origin")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def media_clips(tmp_path_factory):
    """Real tiny clips made once per run with PyAV (tests/support/clips.py), by name."""
    from tests.support.clips import make_clips

    return make_clips(tmp_path_factory.mktemp("clips"))


@pytest.fixture
def clip_url(origin, media_clips):
    """Put a clip on the origin server: `clip_url("faststart.mp4")` is its URL."""
    return lambda name, as_name=None: origin.add_file(as_name or name, media_clips[name].read_bytes())


@pytest.fixture
def origin(origin_server):
    origin_server.requests.clear()
    origin_server.redirects.clear()
    origin_server.answers.clear()
    forget_origin()  # what the offload mode remembers of the origin's files from earlier tests
    return origin_server


@pytest.fixture
def live_server(app):
    """The test app served over real HTTP on a loopback port (threaded)."""
    server = loopback_server(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


# Browser tests: pytest-playwright drives Debian's Chromium (no browser download).
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/ for reviewers."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def browser_login(page, live_server):
    """Log a user in through the real login form of the live server."""

    def login(email, password=factories.PASSWORD):
        page.goto(f"{live_server.url}/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    return login


@pytest.fixture
def audit_history(admin, guest, other_admin):
    """Audit rows: Initech's log (a member added by the admin, a plan expiry by the system, a guest
    logging out other sessions) and one of Umbrella's, which Initech must never see."""
    event = factories.make_audit_event
    event(admin.corporation, admin, "member.added", guest, when=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
          email=guest.email, role="guest")
    event(admin.corporation, None, "plan.expired", admin.corporation, when=datetime(2026, 3, 5, 0, 5, tzinfo=UTC),
          ip=None, expired_on="2026-03-04")
    event(admin.corporation, guest, "sessions.revoked", guest, when=datetime(2026, 3, 9, 12, 0, tzinfo=UTC),
          email=guest.email)
    event(other_admin.corporation, other_admin, "video.trashed", other_admin,
          when=datetime(2026, 3, 2, 8, 0, tzinfo=UTC), title="Umbrella secret")


# Modules whose module-scoped fixtures start whole stacks (nginx, gunicorn, worker) or build the
# catalogue: their tests stay together on one xdist worker, so the stack is started once.
KEEP_TOGETHER = ("tests/deploy/", "tests/core/test_i18n_catalogue.py")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith(KEEP_TOGETHER):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
