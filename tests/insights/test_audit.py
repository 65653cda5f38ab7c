"""Every admin action writes exactly one audit row in its own transaction; a failed action writes none."""
import io
import threading

import psycopg2
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.factories import PASSWORD, days_from_today, make_corporation
from tests.support.media import TINY_MP4
from webapp.accounts.membership import add_member, change_own_password, change_role, remove_member, reset_password
from webapp.accounts.sessions import log_out_other_sessions
from webapp.accounts.signup import request_sign_up as sign_up
from webapp.companies.services import change_plan, delete_corporation, expire_plans, rename_corporation
from webapp.core.exceptions import DomainError, PlanRequired
from webapp.core.extensions import db
from webapp.models import AuditEvent, Corporation, User, Video
from webapp.videos.services import (
    add_video_from_upload,
    add_video_from_url,
    purge_video,
    restore_video,
    trash_video,
    update_video,
)

GOOD = "mauve-lantern-orbit-42"
CLIENT_IP = "198.51.100.7"


# action -> (what succeeds, what fails and must leave no trace)
CASES = {
    "member.added": (lambda w: add_member(w.admin, "new@initech.example.com", GOOD, "guest"),
                     lambda w: add_member(w.admin, w.guest.email.upper(), GOOD, "guest")),
    "member.removed": (lambda w: remove_member(w.admin, w.guest),
                       lambda w: remove_member(w.admin, w.admin)),
    "member.role_changed": (lambda w: change_role(w.admin, w.guest, "admin"),
                            lambda w: change_role(w.admin, w.admin, "guest")),
    "member.password_reset": (lambda w: reset_password(w.admin, w.guest, GOOD),
                              lambda w: reset_password(w.admin, w.guest, "password12")),
    "sessions.revoked": (lambda w: log_out_other_sessions(w.admin),
                         lambda w: change_own_password(w.admin, "not-my-password", GOOD)),
    "video.added": (lambda w: add_video_from_url(w.admin, "New", w.url),
                    lambda w: add_video_from_url(w.admin, "New", "javascript:alert(1)")),
    "video.edited": (lambda w: update_video(w.admin, w.video, title="Renamed"),
                     lambda w: update_video(w.admin, w.video, title="   ")),
    "video.trashed": (lambda w: trash_video(w.admin, w.video),
                      lambda w: trash_video(w.admin, w.trashed)),  # already there: nothing happens
    "video.restored": (lambda w: restore_video(w.admin, w.trashed),
                       lambda w: restore_video(w.admin, w.video)),
    "video.purged": (lambda w: purge_video(w.admin, w.trashed),
                     lambda w: purge_video(w.admin, w.video)),
    "plan.changed": (lambda w: change_plan(w.admin, w.corporation, "free"),
                     lambda w: change_plan(w.admin, w.corporation, "paid", days_from_today(-1))),
    "corporation.renamed": (lambda w: rename_corporation(w.admin, w.corporation, "Initrode"),
                            lambda w: rename_corporation(w.admin, w.corporation, "UMBRELLA")),
    "corporation.deleted": (lambda w: delete_corporation(w.admin, w.corporation), None),
}


def audit_rows():
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def snapshot(w):
    """What the actions change, to show a failed one changed nothing."""
    db.session.expire_all()
    return [(u.email, u.role, u.password_hash, u.session_version, u.deleted_at) for u in
            db.session.scalars(select(User).order_by(User.id))] + [
        (v.title, v.source_url, v.deleted_at) for v in db.session.scalars(select(Video).order_by(Video.id))] + [
        (c.name, c.plan, c.plan_expires_at, c.deleted_at) for c in
        db.session.scalars(select(Corporation).order_by(Corporation.id))]


@pytest.mark.parametrize("action", CASES)
def test_an_action_writes_exactly_one_audit_row(app, w, action):
    succeed, _ = CASES[action]
    with app.test_request_context(environ_base={"REMOTE_ADDR": CLIENT_IP}):
        succeed(w)
    rows = audit_rows()
    assert [(r.action, r.actor_id, r.corporation_id, r.ip) for r in rows] == [
        (action, w.admin.id, w.corporation.id, CLIENT_IP)]
    assert rows[0].target_type in ("user", "video", "corporation", "invitation") and rows[0].target_id is not None


@pytest.mark.parametrize("action", [action for action, (_, fail) in CASES.items() if fail])
def test_a_failed_action_writes_no_audit_row_and_changes_nothing(app, w, action):
    make_corporation(name="Umbrella")
    _, fail = CASES[action]
    before = snapshot(w)
    with app.test_request_context(environ_base={"REMOTE_ADDR": CLIENT_IP}):
        try:
            fail(w)
        except DomainError:
            pass
        db.session.rollback()  # as the request's error handler does
    assert audit_rows() == []
    assert snapshot(w) == before


def test_restoring_on_a_free_plan_writes_no_row(w):
    w.corporation.plan, w.corporation.plan_expires_at = "free", None
    db.session.commit()
    with pytest.raises(PlanRequired):
        restore_video(w.admin, w.trashed)
    db.session.rollback()
    assert audit_rows() == []


def test_an_upload_writes_one_row_and_a_refused_file_none(app, w):
    add_video_from_upload(w.admin, "Clip", io.BytesIO(TINY_MP4))
    with pytest.raises(DomainError):
        add_video_from_upload(w.admin, "Not a video", io.BytesIO(b"<html>" * 100))
    db.session.rollback()
    assert [(r.action, r.details.get("upload")) for r in audit_rows()] == [("video.added", True)]


def test_changing_ones_own_password_records_the_sessions_it_ended(w):
    change_own_password(w.guest, PASSWORD, GOOD)
    [row] = audit_rows()
    assert (row.action, row.actor_id, row.details["reason"]) == ("sessions.revoked", w.guest.id, "password_changed")


def test_sign_up_writes_one_row_and_a_refused_one_none(app):
    sign_up("Hooli", "gavin@hooli.example.com", GOOD)
    with pytest.raises(DomainError):
        sign_up("HOOLI", "other@hooli.example.com", GOOD)
    db.session.rollback()
    assert [r.action for r in audit_rows()] == ["corporation.created"]


def test_plan_expiry_is_recorded_once_as_the_system(app):
    lapsed = make_corporation(name="Lapsed", plan="paid", plan_expires_at=days_from_today(-1))
    make_corporation(name="Current", plan="paid", plan_expires_at=days_from_today(3))
    expire_plans()
    expire_plans()
    rows = audit_rows()
    assert [(r.action, r.actor_id, r.corporation_id, r.ip) for r in rows] == [
        ("plan.expired", None, lapsed.id, None)]


def test_a_commit_that_fails_takes_the_audit_row_with_it(app, database_url, w):
    """A rival transaction takes the new name while the rename waits: neither rename nor row is kept."""
    url = make_url(database_url)
    rival = psycopg2.connect(host=url.host, port=url.port, user=url.username, dbname=url.database)
    try:
        with rival.cursor() as cursor:
            cursor.execute("INSERT INTO corporations (name, plan, created_at, updated_at) "
                           "VALUES ('Initrode', 'free', now(), now())")
        # The rename's UPDATE blocks on the rival's uncommitted name until the rival commits.
        threading.Timer(0.5, rival.commit).start()
        with pytest.raises(DomainError, match="already registered"):
            rename_corporation(w.admin, w.corporation, "Initrode")
    finally:
        rival.close()
    assert audit_rows() == []
    assert db.session.get(Corporation, w.corporation.id).name == "Initech"
