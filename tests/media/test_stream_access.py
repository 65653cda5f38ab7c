"""Who may stream what: tenant scoping, the trash, ended sessions, signed playback URLs, JSON errors."""
from urllib.parse import urlsplit

import pytest
from flask_jwt_extended import decode_token

from tests import factories
from tests.support.helpers import points_of
from tests.support.media import CLIP_BYTES as DATA
from webapp.accounts.sessions.playback import make_playback_url
from webapp.accounts.sessions.tokens import open_session
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import VideoView


@pytest.mark.parametrize("path", ["/videos/{id}/stream", "/watch/{id}", "/watch/{id}/status"])
def test_another_corporations_video_is_a_404(app, login_as, other_admin, clip, origin, path):
    response = login_as(other_admin).get(path.format(id=clip.id))
    assert response.status_code == 404
    assert origin.requests == []
    assert db.session.query(VideoView).count() == 0


@pytest.mark.parametrize("path", ["/videos/{id}/stream", "/watch/{id}"])
def test_a_trashed_video_is_a_404(guest_client, admin, clip, path):
    clip.deleted_at, clip.deleted_by_id = utcnow(), admin.id
    db.session.commit()
    assert guest_client.get(path.format(id=clip.id)).status_code == 404


def test_anonymous_and_deleted_users_are_sent_to_login(client, guest_client, guest, clip):
    assert client.get(f"/videos/{clip.id}/stream").status_code == 302
    guest.deleted_at = utcnow()
    db.session.commit()
    response = guest_client.get(f"/videos/{clip.id}/stream")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.query(VideoView).count() == 0


def playback_path(app, user, video):
    """A playback URL issued in a new API session of `user`."""
    pair = open_session(user)
    db.session.commit()
    with app.test_request_context():
        url, expires_at = make_playback_url(user, video, decode_token(pair["access_token"])["fam"])
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.path == f"/videos/{video.id}/stream"
    return f"{parts.path}?{parts.query}", expires_at


def test_a_signed_playback_url_streams_without_a_session_and_credits_its_user(app, client, guest, clip):
    path, expires_at = playback_path(app, guest, clip)
    assert 0 < (expires_at - utcnow()).total_seconds() <= app.config["PLAYBACK_URL_TTL"]
    response = client.get(path, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and response.data == DATA[:100]
    assert points_of(guest) == 10


def test_a_tampered_or_misused_playback_url_is_a_403(app, client, guest, clip, corporation):
    path, _ = playback_path(app, guest, clip)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 403 and "not valid" in response.get_data(as_text=True)
    other = factories.make_video(corporation, source_url=clip.source_url)
    response = client.get(path.replace(f"/videos/{clip.id}/", f"/videos/{other.id}/"))
    assert response.status_code == 403 and "not valid for this video" in response.get_data(as_text=True)
    assert points_of(guest) == 0


def test_an_expired_playback_url_is_refused_with_a_clear_message(app, client, guest, clip):
    app.config["PLAYBACK_URL_TTL"] = -1
    path, _ = playback_path(app, guest, clip)
    response = client.get(path)
    assert response.status_code == 403 and "has expired" in response.get_data(as_text=True)


def test_a_playback_url_dies_with_its_users_sessions(app, client, guest, clip):
    path, _ = playback_path(app, guest, clip)
    guest.session_version += 1  # "log out everywhere" / password change
    db.session.commit()
    assert client.get(path).status_code == 401
    path, _ = playback_path(app, guest, clip)
    guest.deleted_at = utcnow()
    db.session.commit()
    assert client.get(path).status_code == 401
    assert points_of(guest) == 0


def test_a_playback_url_of_a_trashed_video_is_a_404(app, client, guest, admin, clip):
    path, _ = playback_path(app, guest, clip)
    clip.deleted_at, clip.deleted_by_id = utcnow(), admin.id
    db.session.commit()
    assert client.get(path).status_code == 404


def test_stream_response_serves_the_api_and_its_errors_are_json(app, client, api_stream, guest, other_admin,
                                                                  clip, corporation):
    response = client.get(api_stream(guest, clip), headers={"Range": "bytes=10-19"})
    assert response.status_code == 206 and response.data == DATA[10:20]
    assert points_of(guest) == 10
    foreign = client.get(api_stream(other_admin, clip))
    assert foreign.status_code == 404 and foreign.json["error"]["code"] == "not_found"
    broken = factories.make_video(corporation, source_url="http://10.1.2.3/clip.mp4")
    failed = client.get(api_stream(guest, broken))
    assert failed.status_code == 502 and failed.json["error"]["code"] == "origin_unavailable"
    assert "private or local network" in failed.json["error"]["message"]
