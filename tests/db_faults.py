"""Real failures of PostgreSQL for tests: a trigger makes a table refuse inserts."""
import pytest
from sqlalchemy import text

from webapp.core.extensions import db


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
