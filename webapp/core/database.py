"""Database connections: a pooled connection is checked before use only when it sat idle.

SQLAlchemy's `pool_pre_ping` sends `SELECT 1` before every checkout: one more round trip on every
request, which is what makes the first request after a database restart succeed. Here the check
runs only for a connection that has been back in the pool for PING_AFTER_IDLE seconds or more
(after a restart the pool has been idle, or the failure invalidates the whole pool at once): a
busy server, whose connections come back within milliseconds, skips it. A failed check discards
the connection and the pool hands out a fresh one (SQLAlchemy's DisconnectionError protocol).
"""
import time

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

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
    connection_record.info[RETURNED_AT] = time.monotonic()
