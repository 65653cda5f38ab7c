"""`make run` keeps its data in SQLite: the features that use dialect-specific SQL work there too.

PostgreSQL stays the production database; these tests migrate a real SQLite file with the same
migrations and drive the pages through the test client.
"""
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.support.helpers import log_in
from tests.support.pages import DEMO_MP4, table_rows
from webapp.companies.services import expire_plans
from webapp.core.clock import plan_today
from webapp.core.extensions import db
from webapp.models import AuditEvent, PlanChange, VideoView


def uploaded_video(app, sqlite_corporation):
    key = "clip.mp4"
    (Path(app.config["MEDIA_ROOT"]) / key).write_bytes(DEMO_MP4.read_bytes())
    return factories.make_video(sqlite_corporation, title="Clip", file_key=key, content_type="video/mp4")


def test_watching_credits_points_once_on_sqlite(sqlite_app, sqlite_corporation):
    guest = factories.make_user(sqlite_corporation)
    video = uploaded_video(sqlite_app, sqlite_corporation)
    client = log_in(sqlite_app.test_client(), guest)
    for _ in range(3):
        assert client.get(f"/videos/{video.id}/stream", headers={"Range": "bytes=0-99"}).status_code == 206
    assert client.get(f"/watch/{video.id}/status").get_json() == {
        "points": sqlite_app.config["VIEW_POINTS"], "viewed": True, "points_awarded": sqlite_app.config["VIEW_POINTS"]}
    assert db.session.scalar(select(func.count()).select_from(VideoView)) == 1


def test_expired_plans_are_downgraded_once_on_sqlite(sqlite_app, sqlite_corporation):
    still_paid = factories.make_corporation(name="Umbrella", plan="paid")
    sqlite_corporation.plan_expires_at = plan_today() - timedelta(days=2)
    db.session.commit()
    [expired] = expire_plans()
    assert (expired["id"], expired["expired_on"]) == (sqlite_corporation.id, plan_today() - timedelta(days=2))
    assert expire_plans() == []
    db.session.expire_all()
    assert (sqlite_corporation.plan, still_paid.plan) == ("free", "paid")
    assert db.session.scalars(select(PlanChange.reason)).all() == ["expired"]
    assert db.session.scalars(select(AuditEvent.action)).all() == ["plan.expired"]


def test_activity_filters_work_on_sqlite(sqlite_app, sqlite_corporation):
    admin = factories.make_admin(sqlite_corporation)
    factories.make_audit_event(sqlite_corporation, admin, "video.added")
    factories.make_audit_event(sqlite_corporation, None, "plan.expired", expired_on="2026-01-01")
    client = log_in(sqlite_app.test_client(), admin)
    today = plan_today().isoformat()
    system = client.get(f"/activity?member=system&date_from={today}&date_to={today}")
    assert [row[2] for row in table_rows(system)] == ["Plan expired"]
    mine = client.get(f"/activity?member={admin.id}&action=video.added")
    assert [row[2] for row in table_rows(mine)] == ["Video added"]


@pytest.mark.parametrize("path", ["/watch/99999999999999999999", "/videos/99999999999999999999/edit",
                                  "/videos/99999999999999999999/stream", "/watch/9223372036854775808"])
def test_ids_too_large_for_sqlite_are_404(sqlite_app, sqlite_corporation, path):
    client = log_in(sqlite_app.test_client(), factories.make_admin(sqlite_corporation))
    assert client.get(path).status_code == 404


def test_a_page_number_too_large_for_sqlite_shows_an_empty_page(sqlite_app, sqlite_corporation):
    client = log_in(sqlite_app.test_client(), factories.make_admin(sqlite_corporation))
    assert client.get("/library/?page=99999999999999999999").status_code == 200
