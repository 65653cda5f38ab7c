"""Videos: library and trash lists, add by URL or upload, edit, trash, restore (paid), purge, views."""
import io
import json
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests import factories
from tests.api.conftest import assert_error
from tests.support.media import stored_keys, stored_object
from webapp.api.schemas import VideoSchema
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import Video, VideoView

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 4000


def test_library_lists_newest_first_and_searches_titles(client, admin, guest, bearer):
    factories.make_video(admin.corporation, title="Safety briefing")
    factories.make_video(admin.corporation, title="Quarterly review")
    factories.make_video(admin.corporation, title="Gone", deleted_at=utcnow(), deleted_by_id=admin.id)
    body = client.get("/api/v1/videos", headers=bearer(guest)).get_json()
    assert [v["title"] for v in body["items"]] == ["Quarterly review", "Safety briefing"]
    assert body["total"] == 2
    found = client.get("/api/v1/videos?q=SAFETY", headers=bearer(guest)).get_json()
    assert [v["title"] for v in found["items"]] == ["Safety briefing"]


def test_every_page_tells_the_total_even_past_the_end(client, admin, guest, bearer):
    """The total comes with the page's rows; a page past the end (no row to carry it) and an empty
    library still say how many there are."""
    assert client.get("/api/v1/videos", headers=bearer(guest)).get_json()["total"] == 0
    for n in range(5):
        factories.make_video(admin.corporation, title=f"Clip {n}")
    pages = [client.get(f"/api/v1/videos?per_page=2&page={page}", headers=bearer(guest)).get_json()
             for page in (1, 2, 3, 4)]
    assert [[v["title"] for v in body["items"]] for body in pages] == [
        ["Clip 4", "Clip 3"], ["Clip 2", "Clip 1"], ["Clip 0"], []]
    assert [body["total"] for body in pages] == [5, 5, 5, 5]
    assert all("total" not in item for body in pages for item in body["items"])


def test_videos_read_as_rows_answer_what_their_model_objects_answer(app, client, admin, bearer):
    """The lists and each video alone are read as plain rows; the answers that follow a change (PATCH,
    restore) dump the model object: all of them give the same JSON for the same video."""
    corporation = admin.corporation
    factories.make_video(corporation, title="Ready", status="ready", duration_seconds=12.5, width=1280,
                         height=720, video_codec="h264", audio_codec="aac", supports_range=False,
                         status_reason="no_seeking", poster_key="posters/a.jpg", poster_kind="auto")
    factories.make_video(corporation, title="Broken", status="failed", status_reason="video_codec",
                         status_params={"codec": "H.265/HEVC"})
    factories.make_video(corporation, title="Frame failed", status="ready", poster_state="failed",
                         poster_request_at=3.0, poster_reason="no_frame_at", poster_params={"seconds": 3})
    factories.make_video(corporation, title="Binned", deleted_at=utcnow(), deleted_by_id=admin.id)
    headers = {**bearer(admin), "Accept-Language": "ko"}
    listed = client.get("/api/v1/videos", headers=headers).get_json()["items"]
    listed += client.get("/api/v1/videos/trash", headers=headers).get_json()["items"]
    assert sorted(video["title"] for video in listed) == ["Binned", "Broken", "Frame failed", "Ready"]
    for video in listed:
        assert video == client.get(f"/api/v1/videos/{video['id']}", headers=headers).get_json()
        with app.test_request_context(headers={"Accept-Language": "ko"}):
            from_model = json.loads(json.dumps(VideoSchema().dump(db.session.get(Video, video["id"]))))
        assert video == from_model
    by_title = {video["title"]: video for video in listed}
    assert by_title["Broken"]["status_detail"] and by_title["Frame failed"]["poster_status_detail"]
    assert by_title["Ready"]["poster_url"].endswith(f"/api/v1/videos/{by_title['Ready']['id']}/poster")


def test_video_object_shape(client, admin, bearer):
    video = factories.make_video(admin.corporation, title="Intro")
    body = client.get(f"/api/v1/videos/{video.id}", headers=bearer(admin)).get_json()
    assert set(body) >= {"id", "title", "corporation_id", "source_url", "content_type", "size_bytes",
                         "created_at", "updated_at", "deleted_at", "stream_url"}
    assert body["stream_url"] == f"http://localhost/api/v1/videos/{video.id}/stream"
    assert body["deleted_at"] is None and body["source_url"] == "http://origin.test/clip.mp4"


def test_add_a_url_video(client, admin, bearer, origin):
    response = client.post("/api/v1/videos", headers=bearer(admin),
                           json={"title": " Welcome ", "source_url": origin.add_file("w.webm", b"webm")})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["title"], body["content_type"]) == ("Welcome", "video/webm")


@pytest.mark.parametrize("source_url", ["ftp://example.com/a.mp4", "javascript:alert(1)", "http://",
                                        "http://127.0.0.1:9/private.mp4", "http://[::1"])
def test_a_refused_source_is_400_invalid_source(client, admin, bearer, source_url):
    response = client.post("/api/v1/videos", headers=bearer(admin), json={"title": "x", "source_url": source_url})
    assert_error(response, 400, "invalid_source")
    assert db.session.scalar(db.select(db.func.count(Video.id))) == 0


def test_upload_a_file(client, admin, bearer, app):
    response = client.post("/api/v1/videos", headers=bearer(admin),
                           data={"title": "Uploaded", "file": (io.BytesIO(MP4), "clip.mp4")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["source_url"], body["content_type"], body["size_bytes"]) == (None, "video/mp4", len(MP4))
    video = db.session.get(Video, body["id"])
    assert stored_object(video.file_key) == MP4 and stored_keys() == [video.file_key]


def test_upload_of_something_that_is_not_a_video_is_400(client, admin, bearer, app):
    response = client.post("/api/v1/videos", headers=bearer(admin),
                           data={"title": "Fake", "file": (io.BytesIO(b"<html>" * 100), "clip.mp4")},
                           content_type="multipart/form-data")
    assert_error(response, 400, "invalid_file")
    assert list(Path(app.config["MEDIA_ROOT"]).iterdir()) == [] and stored_keys() == []


def test_upload_without_a_file_is_400(client, admin, bearer):
    response = client.post("/api/v1/videos", headers=bearer(admin), data={"title": "No file"},
                           content_type="multipart/form-data")
    assert "file" in assert_error(response, 400, "validation_error")["fields"]


def test_upload_over_the_limit_is_413_and_leaves_nothing(small_uploads, client, admin, bearer, app):
    big = MP4 + b"\x00" * (1024 * 1024)
    # Encoded in memory: the test client's own temporary file for big bodies is never closed.
    boundary, body = encode_multipart(MultiDict({"title": "Big", "file": FileStorage(io.BytesIO(big), "big.mp4")}))
    response = client.post("/api/v1/videos", headers=bearer(admin), data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert_error(response, 413)
    assert db.session.scalar(db.select(db.func.count(Video.id))) == 0
    assert list(Path(app.config["MEDIA_ROOT"]).iterdir()) == [] and stored_keys() == []


def test_other_content_types_are_415(client, admin, bearer):
    response = client.post("/api/v1/videos", headers=bearer(admin), data="title=x",
                           content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")


def test_patch_title_and_source(client, admin, bearer, origin):
    video = factories.make_video(admin.corporation, title="Old title")
    new_source = origin.add_file("n.mp4", b"mp4")
    response = client.patch(f"/api/v1/videos/{video.id}", headers=bearer(admin),
                            json={"title": "New title", "source_url": new_source})
    assert response.status_code == 200
    assert (response.get_json()["title"], response.get_json()["source_url"]) == ("New title", new_source)


def test_patch_source_of_an_upload_is_400(client, admin, bearer, origin):
    video = factories.make_video(admin.corporation, file_key="abc.mp4")
    response = client.patch(f"/api/v1/videos/{video.id}", headers=bearer(admin),
                            json={"source_url": origin.url("n.mp4")})
    assert "source_url" in assert_error(response, 400)["fields"]


def test_trash_then_restore_on_a_paid_plan(client, admin, guest, bearer):
    admin.corporation.plan, admin.corporation.plan_expires_at = "paid", factories.days_from_today(1)
    db.session.commit()
    video = factories.make_video(admin.corporation)
    assert client.delete(f"/api/v1/videos/{video.id}", headers=bearer(admin)).status_code == 204
    assert_error(client.get(f"/api/v1/videos/{video.id}", headers=bearer(guest)), 404)
    trash = client.get("/api/v1/videos/trash", headers=bearer(admin)).get_json()
    assert [v["id"] for v in trash["items"]] == [video.id] and trash["items"][0]["deleted_at"]
    restored = client.post(f"/api/v1/videos/{video.id}/restore", headers=bearer(admin))
    assert restored.status_code == 200 and restored.get_json()["deleted_at"] is None


@pytest.mark.parametrize("plan,expires_in_days", [("free", None), ("paid", -1)])
def test_restore_needs_an_effective_paid_plan(client, admin, bearer, plan, expires_in_days):
    admin.corporation.plan = plan
    admin.corporation.plan_expires_at = factories.days_from_today(expires_in_days) if expires_in_days else None
    db.session.commit()
    video = factories.make_video(admin.corporation, deleted_at=utcnow(), deleted_by_id=admin.id)
    assert_error(client.post(f"/api/v1/videos/{video.id}/restore", headers=bearer(admin)), 403, "plan_required")


def test_restore_or_purge_of_a_video_not_in_the_trash_is_409(client, admin, bearer):
    video = factories.make_video(admin.corporation)
    assert_error(client.post(f"/api/v1/videos/{video.id}/restore", headers=bearer(admin)), 409, "not_in_trash")
    assert_error(client.delete(f"/api/v1/videos/{video.id}/purge", headers=bearer(admin)), 409, "not_in_trash")


def test_purge_deletes_for_good(client, admin, bearer):
    video_id = factories.make_video(admin.corporation, deleted_at=utcnow(), deleted_by_id=admin.id).id
    assert client.delete(f"/api/v1/videos/{video_id}/purge", headers=bearer(admin)).status_code == 204
    assert db.session.scalar(db.select(Video.id).where(Video.id == video_id)) is None
    assert_error(client.get(f"/api/v1/videos/{video_id}", headers=bearer(admin)), 404)


def test_views_of_a_video(client, admin, guest, bearer):
    video = factories.make_video(admin.corporation)
    db.session.add(VideoView(user_id=guest.id, video_id=video.id, points_awarded=10))
    db.session.commit()
    body = client.get(f"/api/v1/videos/{video.id}/views", headers=bearer(admin)).get_json()
    assert body["total"] == 1 and body["items"][0]["user_id"] == guest.id
