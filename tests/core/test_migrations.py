"""Migrations create the schema the models describe, and can be undone and redone."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from config import TestingConfig
from tests.conftest import _admin_connection
from webapp import create_app
from webapp.core.extensions import db


@pytest.fixture
def scratch_app(database_url):
    """An app on an empty database of its own."""
    name = f"reelhouse_mig_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conn = _admin_connection()
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = database_url.rsplit("/", 1)[0] + "/" + name
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def schema_diff():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree_on_postgresql(scratch_app):
    upgrade()
    assert schema_diff() == []


def test_upgrade_downgrade_upgrade(scratch_app):
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert {"corporations", "users", "videos", "video_views", "refresh_tokens"} <= tables
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert schema_diff() == []


def test_migrations_run_on_sqlite(tmp_path):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.db"})
    with app.app_context():
        upgrade()
        assert "video_views" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
