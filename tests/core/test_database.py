"""Pooled database connections: one that died while idle (a database restart) is replaced before use."""
from sqlalchemy import text

from tests.conftest import _admin_connection
from webapp.core import database
from webapp.core.extensions import db


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
