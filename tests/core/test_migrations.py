"""Migrations create the schema the models describe, and can be undone and redone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
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


OLD_ROWS = [  # (source_url, file_key, content_type before) -> type after 0003
    (("https://cdn.example/a.webm", None, "video/mp4"), "video/webm"),
    (("https://cdn.example/watch?id=7", None, "video/mp4"), "application/octet-stream"),
    (("https://cdn.example/b.MP4?sig=x", None, "text/html"), "video/mp4"),
    ((None, "0123.webm", "video/quicktime"), "video/webm"),
    ((None, "4567.mp4", "video/mp4"), "video/mp4"),
]


def backfill_and_check():
    """Rows written before 0003 get our stream types; afterwards no other type can be stored."""
    upgrade(revision="0002_reusable_emails")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO corporations (id, name, plan, created_at, updated_at) "
                          "VALUES (1, 'Old Co', 'free', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        for number, ((url, key, content_type), _) in enumerate(OLD_ROWS, start=1):
            conn.execute(text(
                "INSERT INTO videos (id, corporation_id, title, source_url, file_key, content_type, created_at, "
                "updated_at) VALUES (:id, 1, 'Old', :url, :key, :type, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"id": number, "url": url, "key": key, "type": content_type})
    upgrade()
    with db.engine.begin() as conn:
        stored = conn.execute(text("SELECT content_type FROM videos ORDER BY id")).scalars().all()
    assert stored == [after for _, after in OLD_ROWS]
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("UPDATE videos SET content_type = 'text/html' WHERE id = 1"))


def test_stream_types_are_backfilled_and_enforced_on_postgresql(scratch_app):
    backfill_and_check()


def test_stream_types_are_backfilled_and_enforced_on_sqlite(tmp_path):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.db"})
    with app.app_context():
        backfill_and_check()
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
