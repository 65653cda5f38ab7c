"""Fixtures of the core tests: a SQLite app, a scratch database, ids for every page, request log lines."""
import io
import json
import logging
import os
import signal
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade

from config import TestingConfig
from tests import factories
from tests.conftest import REDIS_URL, IsolatedClient, _admin_connection
from tests.factories import days_from_today, make_invitation, make_user, make_video
from tests.support.media import aged
from tests.support.pages import CAPTIONS_VTT
from webapp import create_app
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.videos import processing
from webapp.videos.caption_services import add_caption


@pytest.fixture
def sqlite_app(tmp_path):
    """The app on a migrated SQLite file, with an app context pushed."""
    app = create_app(TestingConfig, {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'reelhouse.db'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "SERVER_NAME": None,
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sqlite_corporation(sqlite_app):
    return factories.make_corporation(name="Initech", plan="paid")


@pytest.fixture
def ids(corporation, admin, guest, origin, clip_url):
    """A paid corporation with a member, a live (probed, ready) video and a video in the trash."""
    corporation.plan, corporation.plan_expires_at = "paid", days_from_today(30)
    target = make_user(corporation, email="target@initech.example.com")
    video = make_video(corporation, title="Live video", source_url=clip_url("faststart.mp4", "a.mp4"))
    processing.process_video(video.id, video.source_version)
    trashed = make_video(corporation, title="Trashed video", deleted_at=utcnow(), deleted_by_id=admin.id)
    invitation = make_invitation(corporation, email="invitee@initech.example.com", invited_by=admin)
    caption = add_caption(admin, video, io.BytesIO(CAPTIONS_VTT.encode()), "en", "English", True)
    return {"member": target.id, "video": video.id, "trashed": trashed.id, "invitation": invitation.id,
            "caption": caption.id, "origin_url": origin.add_file("b.mp4", b"y")}


@pytest.fixture
def url_values(admin, guest, origin):
    """Real ids for the URL map's placeholders: a video of the admin's corporation, a member, a file."""
    video = make_video(admin.corporation, source_url=origin.add_file("clip.mp4", b"\0\0\0\x18ftypisom" + b"\0" * 64))
    return {"video_id": video.id, "member_id": guest.id, "user_id": guest.id, "filename": "css/app.css"}


@pytest.fixture
def request_lines(caplog):
    """The JSON request log lines written during the test."""
    caplog.set_level(logging.INFO, logger="webapp.request")

    def lines():
        return [json.loads(record.getMessage()) for record in caplog.records if record.name == "webapp.request"]

    return lines


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


@pytest.fixture
def signal_handlers():
    """The test process's SIGTERM / SIGINT handlers, put back after a library replaced them."""
    saved = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGTERM, saved[0])
    signal.signal(signal.SIGINT, saved[1])


@pytest.fixture
def media(app, corporation):
    """Files of every kind in MEDIA_ROOT: old and new, referenced or not, ours or not."""
    root = Path(app.config["MEDIA_ROOT"])
    kept_video = factories.make_video(corporation, source_url=None, file_key="a" * 32 + ".mp4")
    trashed = factories.make_video(corporation, source_url=None, file_key="b" * 32 + ".webm")
    trashed.deleted_at, trashed.deleted_by_id = utcnow(), factories.make_admin(corporation).id
    db.session.commit()
    return {
        "referenced": aged(root / kept_video.file_key, 48),
        "referenced by a trashed video": aged(root / trashed.file_key, 48),
        "old part": aged(root / ("c" * 32 + ".mp4.part"), 30),
        "old orphan": aged(root / ("d" * 32 + ".webm"), 30, b"y" * 1000),
        "new part": aged(root / ("e" * 32 + ".mp4.part"), 1),
        "new orphan": aged(root / ("f" * 32 + ".mp4"), 1),
        "not ours": aged(root / "notes.txt", 100),
        "not ours either": aged(root / ("0" * 31 + ".mp4"), 100),
    }
