"""Database connections: a pooled connection is checked before use only when it sat idle, and
requests that only read run without BEGIN/ROLLBACK (`reads_only`, below).

SQLAlchemy's `pool_pre_ping` sends `SELECT 1` before every checkout: one more round trip on every
request, which is what makes the first request after a database restart succeed. Here the check
runs only for a connection that has been back in the pool for PING_AFTER_IDLE seconds or more
(after a restart the pool has been idle, or the failure invalidates the whole pool at once): a
busy server, whose connections come back within milliseconds, skips it. A failed check discards
the connection and the pool hands out a fresh one (SQLAlchemy's DisconnectionError protocol).
"""
import time
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.sql.elements import TextClause

PING_AFTER_IDLE = 5.0  # seconds
RETURNED_AT = "reelhouse_returned_at"


def ping_connections_when_idle(engine) -> None:
    """Install the idle check on an engine's pool (instead of pool_pre_ping)."""
    ping = engine.dialect.do_ping  # SELECT 1 the way pool_pre_ping sends it (no transaction left open)
    driver_error = engine.dialect.loaded_dbapi.Error

    def ping_if_idle(dbapi_connection, connection_record, connection_proxy):
        returned = connection_record.info.get(RETURNED_AT)
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE:
            return  # new, or back in the pool a moment ago
        try:
            ping(dbapi_connection)
        except driver_error as error:
            raise DisconnectionError(str(error)) from error

    event.listen(engine, "checkin", _mark_returned)
    event.listen(engine, "checkout", ping_if_idle)


def _mark_returned(dbapi_connection, connection_record):
    if dbapi_connection is not None and getattr(dbapi_connection, "autocommit", False) is True:
        dbapi_connection.autocommit = False  # back from a read-only scope (below)
    connection_record.info[RETURNED_AT] = time.monotonic()


# ---- read-only requests ---------------------------------------------------------------------
#
# A request that only reads (an API GET of a video, a list, who am I) would otherwise cost two more
# round trips than its queries: BEGIN before the first and ROLLBACK when the session closes. Under
# READ COMMITTED, PostgreSQL's default and ours, every statement of a transaction sees the data
# committed when that statement starts, exactly as the same statement outside a transaction does;
# so for reads only, a transaction adds round trips and nothing else. Such a request runs its
# statements on a connection switched to autocommit (psycopg2's `autocommit` attribute: a client-side
# switch, no round trip; SQLAlchemy's isolation_level="AUTOCOMMIT" option would send a SET to undo
# it at every checkin) and gives the connection back as soon as it is done; the checkin hook switches
# autocommit off again whatever happened. A write attempted in that scope (a flush, or an
# INSERT/UPDATE/DELETE through the session) raises ReadOnlyViolation instead of committing statement
# by statement. SQLite (`make run`) keeps its ordinary transaction (in-process, no round trip).
READ_ONLY = "reelhouse_read_only"


class ReadOnlyViolation(RuntimeError):
    """A write was attempted in a read-only scope (a programming error: that view writes)."""


@contextmanager
def reads_only(session):
    """Run the block's statements on `session` without a transaction; close the session at the end.

    If the session has already begun a transaction (something earlier in the request read or
    wrote), that transaction stays the block's scope, as it would have without this.
    """
    if session.in_transaction():
        yield session
        return
    connection = session.connection()  # checked out; nothing is sent to the database yet
    if connection.dialect.name == "postgresql":
        connection.connection.dbapi_connection.autocommit = True
    session.info[READ_ONLY] = True
    try:
        yield session
    finally:
        session.info.pop(READ_ONLY, None)
        session.close()  # the connection goes back to the pool now; objects stay readable (detached)


def _refuse_writes(orm_execute_state):
    if not orm_execute_state.session.info.get(READ_ONLY):
        return
    state, statement = orm_execute_state, orm_execute_state.statement
    text_write = isinstance(statement, TextClause) and not statement.text.lstrip().lower().startswith("select")
    if state.is_insert or state.is_update or state.is_delete or text_write:
        raise ReadOnlyViolation(f"write in a read-only scope: {statement}")


def _refuse_flush(session, flush_context, instances):
    if session.info.get(READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise ReadOnlyViolation("flush in a read-only scope")


def refuse_writes_in_read_only_scopes(session_class) -> None:
    """Install the write guard of `reads_only` on a Session class (once)."""
    if not event.contains(session_class, "do_orm_execute", _refuse_writes):
        event.listen(session_class, "do_orm_execute", _refuse_writes)
        event.listen(session_class, "before_flush", _refuse_flush)
