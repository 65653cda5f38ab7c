"""`make run` keeps its data in SQLite: the features that use dialect-specific SQL work there too.

PostgreSQL stays the production database; these tests migrate a real SQLite file with the same
migrations and drive the pages through the test client.
"""
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from config import TestingConfig
from tests import factories
from tests.conftest import REDIS_URL, IsolatedClient
from tests.pages import DEMO_MP4
from tests.test_activity import rows
from webapp import create_app
from webapp.companies.services import expire_plans
from webapp.core.clock import plan_today
from webapp.core.extensions import db
from webapp.models import AuditEvent, PlanChange, VideoView


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
def corporation(sqlite_app):
    return factories.make_corporation(name="Initech", plan="paid")


def client_of(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    return client


def uploaded_video(app, corporation):
    key = "clip.mp4"
    (Path(app.config["MEDIA_ROOT"]) / key).write_bytes(DEMO_MP4.read_bytes())
    return factories.make_video(corporation, title="Clip", file_key=key, content_type="video/mp4")


def test_watching_credits_points_once_on_sqlite(sqlite_app, corporation):
    guest = factories.make_user(corporation)
    video = uploaded_video(sqlite_app, corporation)
    client = client_of(sqlite_app, guest)
    for _ in range(3):
        assert client.get(f"/videos/{video.id}/stream", headers={"Range": "bytes=0-99"}).status_code == 206
    assert client.get(f"/watch/{video.id}/status").get_json() == {
        "points": sqlite_app.config["VIEW_POINTS"], "viewed": True, "points_awarded": sqlite_app.config["VIEW_POINTS"]}
    assert db.session.scalar(select(func.count()).select_from(VideoView)) == 1


def test_expired_plans_are_downgraded_once_on_sqlite(sqlite_app, corporation):
    still_paid = factories.make_corporation(name="Umbrella", plan="paid")
    corporation.plan_expires_at = plan_today() - timedelta(days=2)
    db.session.commit()
    [expired] = expire_plans()
    assert (expired["id"], expired["expired_on"]) == (corporation.id, plan_today() - timedelta(days=2))
    assert expire_plans() == []
    db.session.expire_all()
    assert (corporation.plan, still_paid.plan) == ("free", "paid")
    assert db.session.scalars(select(PlanChange.reason)).all() == ["expired"]
    assert db.session.scalars(select(AuditEvent.action)).all() == ["plan.expired"]


def test_activity_filters_work_on_sqlite(sqlite_app, corporation):
    admin = factories.make_admin(corporation)
    factories.make_audit_event(corporation, admin, "video.added")
    factories.make_audit_event(corporation, None, "plan.expired", expired_on="2026-01-01")
    client = client_of(sqlite_app, admin)
    today = plan_today().isoformat()
    system = client.get(f"/activity?member=system&date_from={today}&date_to={today}")
    assert [row[2] for row in rows(system)] == ["Plan expired"]
    mine = client.get(f"/activity?member={admin.id}&action=video.added")
    assert [row[2] for row in rows(mine)] == ["Video added"]


@pytest.mark.parametrize("path", ["/watch/99999999999999999999", "/videos/99999999999999999999/edit",
                                  "/videos/99999999999999999999/stream", "/watch/9223372036854775808"])
def test_ids_too_large_for_sqlite_are_404(sqlite_app, corporation, path):
    client = client_of(sqlite_app, factories.make_admin(corporation))
    assert client.get(path).status_code == 404


def test_a_page_number_too_large_for_sqlite_shows_an_empty_page(sqlite_app, corporation):
    client = client_of(sqlite_app, factories.make_admin(corporation))
    assert client.get("/library/?page=99999999999999999999").status_code == 200
