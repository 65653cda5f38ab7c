"""Migrations create the schema the models describe, and can be undone and redone."""

import json

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


REASON_ROWS = [  # status, status_detail before 0017 -> (status_reason, status_params) after
    (("failed", "The file has sound only, no picture: add a video with a picture."), ("sound_only", None)),
    (("failed", "The video source answered with HTTP status 404."), ("http_status", {"status": 404})),
    (("failed", "H.265/HEVC video does not play in most browsers: convert it to H.264 (MP4) or VP9 (WebM)."),
     ("video_codec", {"codec": "H.265/HEVC"})),
    (("failed", "The video source is not allowed: The host nowhere.example could not be found."),
     ("source_refused", {"reason": {"code": "host_not_found", "params": {"host": "nowhere.example"}}})),
    (("failed", "Matroska(MKV) 파일은 브라우저에서 재생되지 않습니다. MP4(H.264와 AAC) 또는 WebM으로 변환하세요."),
     ("matroska", None)),
    (("failed", "Something a later version no longer says."), ("text", {"text": "Something a later version no "
                                                                          "longer says."})),
    (("ready", "Seeking will not work: the video's source does not support HTTP Range requests."),
     ("no_seeking", None)),
    (("ready", None), (None, None)),
]


def json_value(value):
    """A JSON column read with plain SQL: decoded by psycopg2 on PostgreSQL, text on SQLite."""
    return json.loads(value) if isinstance(value, str) else value


def reasons_and_posters_are_migrated():
    """0017: written-out reasons become codes (English and Korean wording), unknown text is kept; a
    poster is the admin's when an audit event says so after the last probe; downgrade writes English."""
    upgrade(revision="0016_members_added_pending")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO corporations (id, name, plan, created_at, updated_at) "
                          "VALUES (1, 'Old Co', 'free', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        for number, ((status, detail), _) in enumerate(REASON_ROWS, start=1):
            conn.execute(text(
                "INSERT INTO videos (id, corporation_id, title, title_key, source_url, content_type, status, "
                "status_detail, source_version, poster_key, processed_at, created_at, updated_at) VALUES "
                "(:id, 1, 'Old', 'old', 'https://cdn.example/a.mp4', 'video/mp4', :status, :detail, 1, :poster, "
                "'2026-01-01 10:00:00', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"id": number, "status": status, "detail": detail, "poster": f"{number}-p.jpg"})
        for video_id, details, when in [(7, '{"at_seconds": 4.5}', "2026-01-02 10:00:00"),
                                        (8, '{"uploaded": true}', "2026-01-02 10:00:00"),
                                        (6, '{"uploaded": true}', "2025-12-31 10:00:00")]:  # before the probe
            conn.execute(text(
                "INSERT INTO audit_events (corporation_id, action, target_type, target_id, details, created_at) "
                "VALUES (1, 'video.poster_changed', 'video', :id, :details, :when)"),
                {"id": video_id, "details": details, "when": when})
    upgrade()
    with db.engine.begin() as conn:
        rows = conn.execute(text("SELECT status_reason, status_params, poster_kind, poster_at_seconds FROM videos "
                                 "ORDER BY id")).all()
    assert [(row[0], json_value(row[1])) for row in rows] == [after for _, after in REASON_ROWS]
    assert [(row[2], row[3]) for row in rows][5:] == [("auto", None), ("frame", 4.5), ("upload", None)]
    downgrade(revision="0016_members_added_pending")
    with db.engine.begin() as conn:
        details = conn.execute(text("SELECT status_detail FROM videos ORDER BY id")).scalars().all()
    assert details[1] == "The video source answered with HTTP status 404."
    assert details[3] == "The video source is not allowed: The host nowhere.example could not be found."
    assert details[4].startswith("Matroska (MKV) files") and details[7] is None


def test_reasons_and_posters_are_migrated_on_postgresql(scratch_app):
    reasons_and_posters_are_migrated()


def test_reasons_and_posters_are_migrated_on_sqlite(tmp_path):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.db"})
    with app.app_context():
        reasons_and_posters_are_migrated()
        db.engine.dispose()


def test_videos_sharing_a_file_stop_the_upgrade_with_their_key(scratch_app):
    """0018: one stored file, one video; rows that already share one are named, none is deleted."""
    upgrade(revision="0017_media_reasons_posters")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO corporations (id, name, plan, created_at, updated_at) "
                          "VALUES (1, 'Old Co', 'free', now(), now())"))
        for _ in range(2):
            conn.execute(text("INSERT INTO videos (corporation_id, title, title_key, file_key, content_type, "
                              "source_version, created_at, updated_at) VALUES "
                              "(1, 'Twice', 'twice', 'ab12.mp4', 'video/mp4', 1, now(), now())"))
    with pytest.raises(SystemExit) as stopped:  # flask db upgrade logs the error and exits
        upgrade()
    assert str(stopped.value.__context__) == ("videos share a stored file; purge the extra videos first: "
                                              "ab12.mp4 (2 videos)")
    with db.engine.begin() as conn:
        assert conn.scalar(text("SELECT count(*) FROM videos")) == 2
        conn.execute(text("DELETE FROM videos WHERE id = (SELECT max(id) FROM videos)"))
    upgrade()
    with db.engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(text("INSERT INTO videos (corporation_id, title, title_key, file_key, content_type, "
                          "source_version, created_at, updated_at) VALUES "
                          "(1, 'Again', 'again', 'ab12.mp4', 'video/mp4', 1, now(), now())"))
