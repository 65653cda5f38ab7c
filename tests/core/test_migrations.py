"""Migrations create the schema the models describe, and can be undone and redone."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from config import TestingConfig
from webapp import create_app
from webapp.core.extensions import db


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
