"""Media processing in the API: status and media fields, GET and PUT of the poster."""
import io

import pytest
from PIL import Image
from rq import Queue

from tests import factories
from tests.api.conftest import assert_error
from webapp.core.extensions import db
from webapp.models import Video
from webapp.videos import poster_services, processing

MEDIA_FIELDS = {"status", "status_detail", "duration_seconds", "width", "height", "video_codec", "audio_codec",
                "supports_range", "poster_url", "poster_kind", "poster_status", "poster_status_detail",
                "poster_at_seconds"}


def png(size=(320, 180)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def probed_clip(admin, clip_url):
    video = factories.make_video(admin.corporation, title="Clip", source_url=clip_url("faststart.mp4"))
    processing.process_video(video.id, video.source_version)
    db.session.expire_all()
    return db.session.get(Video, video.id)


def test_a_new_video_is_processing_with_null_facts(client, admin, bearer, origin, clip_url):
    response = client.post("/api/v1/videos", headers=bearer(admin),
                           json={"title": "Tour", "source_url": clip_url("faststart.mp4", "tour.mp4")})
    body = response.get_json()
    assert response.status_code == 201 and MEDIA_FIELDS <= set(body)
    assert body["status"] == "processing"
    assert all(body[name] is None for name in MEDIA_FIELDS - {"status"})


def test_a_probed_video_carries_its_facts_and_poster_url(client, guest, bearer, probed_clip):
    body = client.get(f"/api/v1/videos/{probed_clip.id}", headers=bearer(guest)).get_json()
    assert {name: body[name] for name in MEDIA_FIELDS - {"duration_seconds"}} == {
        "status": "ready", "status_detail": None, "width": 160, "height": 120, "video_codec": "h264",
        "audio_codec": "aac", "supports_range": True,
        "poster_url": f"http://localhost/api/v1/videos/{probed_clip.id}/poster", "poster_kind": "auto",
        "poster_status": None, "poster_status_detail": None, "poster_at_seconds": None}
    assert body["duration_seconds"] == pytest.approx(1.5, abs=0.1)
    listed = client.get("/api/v1/videos", headers=bearer(guest)).get_json()["items"][0]
    assert listed["status"] == "ready" and listed["poster_url"] == body["poster_url"]
    poster = client.get(body["poster_url"], headers=bearer(guest))
    assert poster.status_code == 200 and poster.mimetype == "image/jpeg"


def test_the_poster_is_404_while_there_is_none_and_for_other_companies(client, admin, other_admin, bearer,
                                                                       probed_clip):
    waiting = factories.make_video(admin.corporation, title="Waiting")
    assert_error(client.get(f"/api/v1/videos/{waiting.id}/poster", headers=bearer(admin)), 404, "not_found")
    assert_error(client.get(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(other_admin)), 404)
    assert_error(client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(other_admin),
                            json={"at_seconds": 1}), 404)


def test_put_poster_with_a_time_answers_202_and_the_video_shows_the_poster_being_made(
        client, admin, bearer, probed_clip, redis_conn):
    old = probed_clip.poster_key
    headers = bearer(admin)
    response = client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=headers, json={"at_seconds": 0.9})
    body = response.get_json()
    assert response.status_code == 202
    assert response.headers["Location"] == f"http://localhost/api/v1/videos/{probed_clip.id}"
    assert (body["poster_status"], body["poster_at_seconds"], body["poster_status_detail"]) == ("pending", 0.9, None)
    assert body["poster_url"] and body["poster_kind"] == "auto"  # the old poster until the new one is made
    assert [job.args for job in Queue("default", connection=redis_conn).jobs] == [
        (probed_clip.id, probed_clip.source_version, 1)]

    assert poster_services.make_frame_poster(probed_clip.id, probed_clip.source_version, 1)["outcome"] == "made"
    polled = client.get(response.headers["Location"], headers=headers).get_json()
    assert (polled["poster_status"], polled["poster_kind"], polled["poster_at_seconds"]) == (None, "frame", 0.9)
    db.session.expire_all()
    assert db.session.get(Video, probed_clip.id).poster_key != old

    uploaded = client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=headers,
                          data={"file": (io.BytesIO(png((1280, 720))), "p.png")}, content_type="multipart/form-data")
    assert uploaded.status_code == 200 and uploaded.get_json()["poster_kind"] == "upload"
    poster = client.get(f"/api/v1/videos/{probed_clip.id}/poster", headers=headers)
    with Image.open(io.BytesIO(poster.data)) as image:
        assert (image.format, image.size) == ("JPEG", (640, 360))


def test_a_poster_that_could_not_be_made_says_why_in_the_callers_language(client, admin, bearer, probed_clip):
    headers = bearer(admin)
    client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=headers,
               json={"at_seconds": probed_clip.duration_seconds})
    poster_services.make_frame_poster(probed_clip.id, probed_clip.source_version, 1)
    english = client.get(f"/api/v1/videos/{probed_clip.id}", headers=headers).get_json()
    assert english["poster_status"] == "failed"
    assert english["poster_status_detail"] == "No picture could be decoded at 0:02: try another time."
    korean = client.get(f"/api/v1/videos/{probed_clip.id}", headers={**headers, "Accept-Language": "ko"}).get_json()
    assert korean["poster_status_detail"] not in (None, english["poster_status_detail"])
    assert "0:02" in korean["poster_status_detail"]


@pytest.mark.parametrize("kwargs, status, field", [
    ({"json": {"at_seconds": -1}}, 400, "at_seconds"),
    ({"json": {"at_seconds": 30}}, 400, "at_seconds"),
    ({"json": {"at_seconds": "soon"}}, 400, "at_seconds"),
    ({"json": {"at_seconds": "12"}}, 400, "at_seconds"),
    ({"json": {"at_seconds": True}}, 400, "at_seconds"),
    ({"json": {"at_seconds": None}}, 400, "at_seconds"),
    ({"data": '{"at_seconds": NaN}', "content_type": "application/json"}, 400, None),
    ({"data": '{"at_seconds": 1e999}', "content_type": "application/json"}, 400, None),
    ({"json": {}}, 400, "at_seconds"),
    ({"data": {"file": (io.BytesIO(b"<svg/>"), "x.svg")}, "content_type": "multipart/form-data"}, 400, "file"),
    ({"data": "at_seconds=3", "content_type": "text/plain"}, 415, None),
])
def test_bad_poster_input_is_refused_with_a_clear_error(client, admin, bearer, probed_clip, kwargs, status, field):
    error = assert_error(client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(admin), **kwargs),
                         status)
    if field:
        assert field in error["fields"], error
    db.session.expire_all()
    refused = db.session.get(Video, probed_clip.id)
    # Nothing asked for, so nothing queued (a job is queued only once a request is committed).
    assert (refused.poster_state, refused.poster_request) == (None, 0)


def test_guests_cannot_change_posters(client, guest, bearer, probed_clip):
    assert_error(client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(guest),
                            json={"at_seconds": 1}), 403)


def test_failed_videos_are_not_there_for_guests_in_the_api(client, admin, guest, bearer, probed_clip):
    """The list, the video, its stream and poster: a guest gets a 404 for a failed video; admins get it
    with the reason."""
    failed = factories.make_video(admin.corporation, title="Broken", status="failed",
                                  status_reason="no_video_stream")
    guest_headers, admin_headers = bearer(guest), bearer(admin)
    listed = client.get("/api/v1/videos", headers=guest_headers).get_json()
    assert [item["id"] for item in listed["items"]] == [probed_clip.id] and listed["total"] == 1
    for path in ("", "/stream", "/poster", "/position", "/captions"):
        assert_error(client.get(f"/api/v1/videos/{failed.id}{path}", headers=guest_headers), 404)
    assert {item["id"] for item in client.get("/api/v1/videos", headers=admin_headers).get_json()["items"]} == {
        probed_clip.id, failed.id}
    body = client.get(f"/api/v1/videos/{failed.id}", headers=admin_headers).get_json()
    assert (body["status"], body["status_detail"]) == ("failed", "The file contains no video stream.")
    korean = client.get(f"/api/v1/videos/{failed.id}", headers={**admin_headers, "Accept-Language": "ko"})
    assert korean.get_json()["status_detail"] == "파일에 동영상 스트림이 없습니다."
