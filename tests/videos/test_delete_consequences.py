"""Deleting says what it means: on the free plan the confirmation says a deleted video cannot be
restored unless the company upgrades; the flash after a delete offers Undo (every plan, the deleting
admin only, for UNDO_DELETE_SECONDS); "Delete forever" asks first, with or without JavaScript."""
import re
from datetime import UTC, datetime, timedelta

from tests.factories import days_from_today, make_admin, make_video
from tests.support.helpers import CSRF_RE
from tests.support.pages import post_page
from webapp.core.extensions import db
from webapp.models import AuditEvent, Video


def set_paid(corporation):
    corporation.plan, corporation.plan_expires_at = "paid", days_from_today(30)
    db.session.commit()


def test_the_free_plan_confirmation_says_a_delete_is_permanent_unless_upgraded(admin_client, corporation):
    make_video(corporation, title="Fire drill")
    page = admin_client.get("/videos/").get_data(as_text=True)
    assert ("Your company is on the free plan: a deleted video cannot be restored unless you upgrade to a "
            "paid plan. You can undo it for 120 seconds.") in page
    set_paid(corporation)
    page = admin_client.get("/videos/").get_data(as_text=True)
    assert "You can restore it from the Trash page." in page and "free plan" not in page


def test_row_actions_name_their_video(admin_client, corporation):
    make_video(corporation, title="Fire drill")
    page = admin_client.get("/videos/").get_data(as_text=True)
    assert 'Delete<span class="visually-hidden"> <bdi>Fire drill</bdi></span></button>' in page
    assert 'Edit<span class="visually-hidden"> <bdi>Fire drill</bdi></span></a>' in page


def undo_url(page):
    match = re.search(r'<form method="post" action="(/videos/\d+/undo-delete)"', page)
    return match and match.group(1)


def test_undo_after_a_delete_brings_the_video_back_on_the_free_plan(admin_client, corporation):
    video = make_video(corporation, title="Fire drill")
    response = post_page(admin_client, f"/videos/{video.id}/delete")
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "“<bdi>Fire drill</bdi>” was moved to the trash." in page
    assert undo_url(page) == f"/videos/{video.id}/undo-delete"
    response = post_page(admin_client, undo_url(page))
    assert response.status_code == 302
    assert "“<bdi>Fire drill</bdi>” is back in the library." in admin_client.get("/videos/").get_data(as_text=True)
    db.session.refresh(video)
    assert video.deleted_at is None and video.deleted_by_id is None
    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.details["undo"]) == ("video.restored", True)


def test_undo_is_refused_after_the_time_limit_and_for_another_admin(app, admin_client, admin, corporation):
    late = make_video(corporation, title="Late", deleted_at=datetime.now(UTC) - timedelta(seconds=121),
                      deleted_by_id=admin.id)
    other = make_admin(corporation, email="other@initech.example.com")
    theirs = make_video(corporation, title="Theirs", deleted_at=datetime.now(UTC), deleted_by_id=other.id)
    for video in (late, theirs):
        response = post_page(admin_client, f"/videos/{video.id}/undo-delete")
        assert response.status_code == 302
        page = admin_client.get("/videos/").get_data(as_text=True)
        assert "This delete can no longer be undone: Undo works for 120 seconds" in page
        db.session.refresh(video)
        assert video.deleted_at is not None


def test_delete_forever_without_javascript_asks_on_a_page_first(admin_client, admin, corporation):
    video = make_video(corporation, title="Old onboarding", deleted_at=datetime.now(UTC), deleted_by_id=admin.id)
    video_id = video.id
    response = post_page(admin_client, f"/trash/{video.id}/purge")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="confirm-page"' in page
    assert "Delete “<bdi>Old onboarding</bdi>” forever? This cannot be undone." in page
    assert '<input type="hidden" name="confirmed" value="1">' in page and CSRF_RE.search(page)
    assert db.session.get(Video, video.id) is not None  # asking changed nothing
    response = post_page(admin_client, f"/trash/{video.id}/purge", {"confirmed": "1"})
    assert response.status_code == 302
    db.session.expunge_all()
    assert db.session.get(Video, video_id) is None
