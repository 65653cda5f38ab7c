"""Migrations create the schema the models describe, and can be undone and redone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from config import TestingConfig
from webapp import create_app
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import Corporation, User


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


def test_on_sqlite_too_one_active_user_per_email_while_removed_ones_keep_theirs(tmp_path):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.db"})
    with app.app_context():
        upgrade()
        company = Corporation(name="Acme")
        db.session.add_all([User(corporation=company, email="x@acme.example", password_hash="h",
                                 deleted_at=utcnow()) for _ in range(2)])
        db.session.add(User(corporation=company, email="x@acme.example", password_hash="h"))
        db.session.commit()
        db.session.add(User(corporation=company, email="x@acme.example", password_hash="h"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.engine.dispose()
