"""GET /videos/{id}/stream and POST /videos/{id}/playback-url through the API."""
import os
from datetime import timedelta

import requests
from freezegun import freeze_time

from tests import factories
from tests.api.conftest import assert_error
from tests.support.helpers import points_of
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import VideoView

DATA = os.urandom(200_000)


def test_range_read_over_the_api_credits_points_once(client, admin, guest, bearer, origin):
    video = factories.make_video(admin.corporation, source_url=origin.add_file("api-clip.mp4", DATA))
    response = client.get(f"/api/v1/videos/{video.id}/stream",
                          headers={**bearer(guest), "Range": "bytes=100-1099"})
    assert response.status_code == 206
    assert response.data == DATA[100:1100]
    assert response.headers["Content-Range"] == f"bytes 100-1099/{len(DATA)}"
    assert ("GET", "/api-clip.mp4", "bytes=100-1099") in origin.requests
    assert points_of(guest) == 10
    again = client.get(f"/api/v1/videos/{video.id}/stream", headers=bearer(guest))
    assert again.status_code == 200 and again.data == DATA
    assert points_of(guest) == 10
    assert db.session.query(VideoView).filter_by(user_id=guest.id, video_id=video.id).count() == 1
    views = client.get(f"/api/v1/videos/{video.id}/views", headers=bearer(admin)).get_json()
    assert [(v["user_id"], v["points_awarded"]) for v in views["items"]] == [(guest.id, 10)]


def test_stream_url_of_the_video_object_is_the_api_stream(client, admin, guest, bearer, origin, live_server):
    video = factories.make_video(admin.corporation, source_url=origin.add_file("obj.mp4", DATA))
    body = requests.get(f"{live_server.url}/api/v1/videos/{video.id}", headers=bearer(guest), timeout=10).json()
    assert body["stream_url"] == f"{live_server.url}/api/v1/videos/{video.id}/stream"
    streamed = requests.get(body["stream_url"], headers=bearer(guest), timeout=10)
    assert streamed.status_code == 200 and streamed.content == DATA


def test_stream_needs_a_token_and_hides_other_companies_and_the_trash(client, admin, other_admin, bearer, origin):
    video = factories.make_video(admin.corporation, source_url=origin.add_file("hidden.mp4", DATA))
    assert_error(client.get(f"/api/v1/videos/{video.id}/stream"), 401)
    assert_error(client.get(f"/api/v1/videos/{video.id}/stream", headers=bearer(other_admin)), 404)
    video.deleted_at, video.deleted_by_id = utcnow(), admin.id
    db.session.commit()
    assert_error(client.get(f"/api/v1/videos/{video.id}/stream", headers=bearer(admin)), 404)
    assert origin.requests == []


def test_origin_failure_is_a_json_502(client, admin, bearer, origin):
    video = factories.make_video(admin.corporation, source_url=origin.url("missing.mp4"))
    assert_error(client.get(f"/api/v1/videos/{video.id}/stream", headers=bearer(admin)), 502)


def test_playback_url_plays_without_headers_and_credits_its_user(client, admin, guest, bearer, origin):
    video = factories.make_video(admin.corporation, source_url=origin.add_file("signed.mp4", DATA))
    response = client.post(f"/api/v1/videos/{video.id}/playback-url", headers=bearer(guest))
    assert response.status_code == 200
    body = response.get_json()
    assert body["url"].startswith(f"http://localhost/videos/{video.id}/stream?token=")
    assert body["expires_at"].endswith("+00:00")
    played = client.get(body["url"].removeprefix("http://localhost"), headers={"Range": "bytes=0-9"})
    assert played.status_code == 206 and played.data == DATA[:10]
    assert points_of(guest) == 10


def test_tampered_or_expired_playback_urls_are_refused(client, admin, guest, bearer, origin, app):
    video = factories.make_video(admin.corporation, source_url=origin.add_file("signed2.mp4", DATA))
    url = client.post(f"/api/v1/videos/{video.id}/playback-url", headers=bearer(guest)).get_json()["url"]
    path = url.removeprefix("http://localhost")
    assert client.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB")).status_code == 403
    with freeze_time(utcnow() + timedelta(seconds=app.config["PLAYBACK_URL_TTL"] + 5)):
        assert client.get(path).status_code == 403
    assert points_of(guest) == 0


def test_playback_url_for_another_companys_video_is_404(client, admin, other_admin, bearer):
    video = factories.make_video(admin.corporation)
    assert_error(client.post(f"/api/v1/videos/{video.id}/playback-url", headers=bearer(other_admin)), 404)
