"""The unit of work and row locking: how every use case writes to the database.

A public use case (one per form post and per API operation) runs its steps inside `unit_of_work()`:
the changes are committed when the block ends and rolled back when anything in it raises, so a
failed check can never leave half a change behind. Steps never commit themselves.
"""
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InvalidRequestError

from webapp.core.exceptions import NotFound
from webapp.core.extensions import db

_DEPTH = "unit_of_work_depth"
# What a 404 says when a locked row was deleted meanwhile, by model.
GONE = {"Video": _l("That video no longer exists."), "Corporation": _l("That company no longer exists."),
        "User": _l("That member no longer exists.")}
GONE_ANY = _l("That no longer exists.")


@contextmanager
def unit_of_work(*, keep_loaded: bool = False):
    """Commit the block's changes when it ends; roll them all back if it raises (then re-raise).

    A use case called inside another one's block joins it: only the outermost block commits, so
    use cases can be combined and still apply all or nothing. Also usable as a decorator.
    keep_loaded=True: the commit leaves the objects already loaded as they are (SQLAlchemy would
    expire them all, so that the next read of any attribute, even the request log's user id, costs
    a new transaction and a query); for a use case that expires what it changed itself.
    """
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0 and keep_loaded:
            expire, session.expire_on_commit = session.expire_on_commit, False
            try:
                session.commit()
            finally:
                session.expire_on_commit = expire
        elif depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def atomic_scalar(statement, params: dict | None = None):
    """Run one statement that writes as a unit of work of its own; return its result's first value.

    On PostgreSQL, outside any transaction, it runs alone in autocommit: a single statement is
    atomic by itself (all of its parts, data-modifying WITH clauses included, apply or none do), so
    BEGIN and COMMIT would only add two round trips. Inside a caller's unit of work, and on SQLite,
    it joins the unit of work as any step does.
    """
    session = db.session()
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        with unit_of_work():
            return session.execute(statement, params).scalar()
    with db.engine.connect() as connection:
        connection.connection.dbapi_connection.autocommit = True  # switched back at check-in (core/database.py)
        return connection.execute(statement, params).scalar()


def lock(row):
    """Lock a row (SELECT ... FOR UPDATE) and reload it, so the decision is made on its current state.

    Two admins acting at once (or an admin and a job) are serialised; a row deleted meanwhile is a
    NotFound (404).
    """
    try:
        db.session.refresh(row, with_for_update=True)
    except InvalidRequestError:
        raise NotFound(str(GONE.get(type(row).__name__, GONE_ANY))) from None
    return row
