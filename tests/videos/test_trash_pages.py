"""Trash page: restore only on an effective paid plan (forged POSTs refused), purge on any plan."""
import pytest

from tests.factories import days_from_today, make_video
from tests.support.media import store_object, stored_keys
from tests.support.pages import post_page, shown_moment
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import Video


def trashed_video(corporation, admin, **fields):
    return make_video(corporation, title="Old onboarding", deleted_at=utcnow(), deleted_by_id=admin.id,
                      **fields)


def set_plan(corporation, plan, expires_at=None):
    corporation.plan, corporation.plan_expires_at = plan, expires_at
    db.session.commit()


def test_the_trash_lists_deleted_videos_with_when_and_by_whom(admin_client, admin, corporation):
    video = trashed_video(corporation, admin)
    make_video(corporation, title="Still live")
    page = admin_client.get("/trash/").get_data(as_text=True)
    assert "Old onboarding" in page and "Still live" not in page
    assert admin.email in page
    assert shown_moment(video.deleted_at) in page


@pytest.mark.parametrize("plan, expires_in_days, reason", [
    ("free", None, "Your company is on the free plan."),
    ("paid", -1, "Your paid plan expired on"),
], ids=["free", "expired-paid"])
def test_without_an_effective_paid_plan_restore_is_explained_and_refused(
        admin_client, admin, corporation, plan, expires_in_days, reason):
    set_plan(corporation, plan, None if expires_in_days is None else days_from_today(expires_in_days))
    video = trashed_video(corporation, admin)
    page = admin_client.get("/trash/").get_data(as_text=True)
    assert "Restoring videos needs a paid plan." in page and reason in page
    assert 'href="/plan/"' in page
    assert f"/trash/{video.id}/restore" not in page

    response = post_page(admin_client, f"/trash/{video.id}/restore")  # a forged POST
    assert response.status_code == 403
    assert "Restoring videos from the trash needs a paid plan." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Video, video.id).deleted_at is not None


def test_on_a_paid_plan_restore_brings_the_video_back(admin_client, admin, corporation):
    set_plan(corporation, "paid", days_from_today(0))  # paid through today
    video = trashed_video(corporation, admin)
    assert f"/trash/{video.id}/restore" in admin_client.get("/trash/").get_data(as_text=True)
    response = post_page(admin_client, f"/trash/{video.id}/restore")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Video, video.id).deleted_at is None
    assert f"/watch/{video.id}" in admin_client.get("/library/").get_data(as_text=True)


def test_a_live_video_cannot_be_restored_or_purged(admin_client, corporation):
    set_plan(corporation, "paid", days_from_today(3))
    video = make_video(corporation)
    assert post_page(admin_client, f"/trash/{video.id}/restore").status_code == 404
    assert post_page(admin_client, f"/trash/{video.id}/purge").status_code == 404


def test_delete_forever_removes_the_row_and_the_file_on_a_free_plan(app, admin_client, admin, corporation):
    store_object("abc123.mp4", b"\0\0\0\x18ftypmp42 stored bytes")
    video = trashed_video(corporation, admin, source_url=None, file_key="abc123.mp4")
    page = admin_client.get("/trash/").get_data(as_text=True)
    assert 'data-confirm="Delete “\u2068Old onboarding\u2069” forever? This cannot be undone."' in page
    video_id = video.id
    response = post_page(admin_client, f"/trash/{video_id}/purge", {"confirmed": "1"})
    assert response.status_code == 302
    db.session.expunge_all()
    assert db.session.get(Video, video_id) is None
    assert stored_keys() == []
