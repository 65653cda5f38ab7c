"""Pooled database connections: one that died while idle (a database restart) is replaced before use;
read-only scopes run without a transaction and refuse writes."""
import pytest
from psycopg2.extensions import TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INTRANS
from sqlalchemy import select, text, update

from tests import factories
from tests.conftest import _admin_connection
from webapp.accounts.sessions import open_session
from webapp.core import database
from webapp.core.extensions import db
from webapp.models import Corporation, Video


def backend_pid():
    return db.session.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_connection_killed_while_idle_is_replaced_before_use(app, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)
    old = backend_pid()
    db.session.remove()  # back to the pool
    admin = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (old,))
    admin.close()
    assert backend_pid() != old  # the dead connection was checked, dropped and replaced: no error


def test_a_read_only_scope_sends_no_begin_and_gives_the_connection_back_as_it_came(app):
    db.session.remove()
    with database.reads_only(db.session()) as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
        raw = session.connection().connection.dbapi_connection
        assert raw.info.transaction_status == TRANSACTION_STATUS_IDLE  # no transaction was begun
    assert not db.session().in_transaction()
    assert raw.autocommit is False  # switched back when it returned to the pool
    db.session.execute(text("SELECT 1"))  # the next use of that connection is an ordinary transaction
    assert db.session.connection().connection.dbapi_connection.info.transaction_status == TRANSACTION_STATUS_INTRANS


def test_a_write_in_a_read_only_scope_is_refused_and_nothing_is_written(app):
    corporation_id = factories.make_corporation(name="Before").id
    db.session.commit()
    db.session.remove()
    with pytest.raises(database.ReadOnlyViolation), database.reads_only(db.session()) as session:
        session.execute(update(Corporation).where(Corporation.id == corporation_id).values(name="During"))
    with pytest.raises(database.ReadOnlyViolation), database.reads_only(db.session()) as session:
        session.execute(text("UPDATE corporations SET name = 'Text' WHERE id = :id"), {"id": corporation_id})
    with pytest.raises(database.ReadOnlyViolation), database.reads_only(db.session()) as session:
        session.get(Corporation, corporation_id).name = "Flushed"
        session.flush()
    assert db.session.scalar(select(Corporation.name).where(Corporation.id == corporation_id)) == "Before"


def test_read_only_api_requests_see_each_committed_change_and_leave_no_transaction_open(app, client):
    admin = factories.make_admin(factories.make_corporation())
    video = factories.make_video(admin.corporation, title="First title")
    token = open_session(admin)["access_token"]
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for title in ("First title", "Second title", "Third title"):
        db.session.execute(update(Video).where(Video.id == video.id).values(title=title))
        db.session.commit()
        assert client.get(f"/api/v1/videos/{video.id}", headers=headers).get_json()["title"] == title
        assert client.get("/api/v1/videos", headers=headers).get_json()["items"][0]["title"] == title
        assert client.get("/api/v1/me", headers=headers).get_json()["id"] == admin.id
    db.session.remove()
    admin_connection = _admin_connection()
    with admin_connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state LIKE %s",
                       (db.engine.url.database, "idle in transaction%"))
        assert cursor.fetchone()[0] == 0
    admin_connection.close()


def test_each_process_keeps_the_configured_number_of_connections(app):
    assert db.engine.pool.size() == app.config["DATABASE_POOL_SIZE"] == 20
    assert db.engine.pool._max_overflow == app.config["DATABASE_MAX_OVERFLOW"] == 10
