"""Stream answers are always video, relayed or from an uploaded file, for every way in.

Hostile origins (pages and images with scripts, JavaScript, JSON, error pages, a redirect, a
trickle) never get their body or type to the viewer; what does reach the viewer carries the video's
own type, nosniff and a policy under which it can do nothing, even opened as a page in Chromium.
(The same through nginx's offload: tests/test_deploy.py.)
"""
import threading
import time

import pytest
import requests
from urllib3.exceptions import ProtocolError
from werkzeug.wrappers import Response

from tests import factories
from tests.support.helpers import api_session, points_of, session_cookie
from tests.support.hostile import HOSTILE_CASES, MARKER, add_hostile_answers, page_with_script, polyglot_mp4
from tests.support.media import store_object
from webapp.accounts.sessions.playback import make_playback_url
from webapp.core.extensions import db
from webapp.core.security import STREAM_CONTENT_SECURITY_POLICY
from webapp.models import VideoView

DATA = b"\0\0\0\x18ftypmp42" + bytes(range(256)) * 400


def bearer(user):
    return {"Authorization": f"Bearer {api_session(user)[0]}"}


def assert_stream_answer(response, content_type):
    """Ours whatever the origin said: the video's type, nosniff, a policy that forbids everything."""
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == STREAM_CONTENT_SECURITY_POLICY


@pytest.fixture
def upload(corporation):
    store_object("stored.mp4", DATA)
    return factories.make_video(corporation, title="Uploaded", file_key="stored.mp4", size_bytes=len(DATA))


@pytest.fixture
def ways_in(app, client, guest):
    """GET a stream path as the browser session, with a Bearer token under /api, or by a signed URL."""

    def get(video, way, **headers):
        if way == "session":
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], session_cookie(app, guest)["session"])
            response = client.get(f"/videos/{video.id}/stream", headers=headers)
            client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
            return response
        if way == "bearer":
            return client.get(f"/api/v1/videos/{video.id}/stream", headers={**bearer(guest), **headers})
        with app.test_request_context():
            url = make_playback_url(guest, video, api_session(guest)[1])[0]
        return client.get(url.removeprefix("http://localhost"), headers=headers)

    return get


@pytest.mark.parametrize("way", ["session", "bearer", "signed url"])
@pytest.mark.parametrize("source", ["relay", "upload"])
def test_video_bytes_carry_our_type_and_policy_for_every_way_in(ways_in, guest, corporation, origin, upload,
                                                                source, way):
    if source == "relay":  # the origin calls it QuickTime; the path says MP4, and we decide
        video = factories.make_video(corporation, source_url=origin.add_answer(
            "clip.mp4", 200, "video/quicktime", DATA, **{"Content-Security-Policy": "default-src *"}))
    else:
        video = upload
    full = ways_in(video, way)
    assert full.status_code == 200 and full.data == DATA
    assert_stream_answer(full, "video/mp4")
    assert full.headers["Accept-Ranges"] == "bytes"
    assert points_of(guest) == 10


def test_an_unknown_type_is_sent_as_octet_stream(guest_client, corporation, origin):
    video = factories.make_video(corporation, source_url=origin.add_answer("no-extension", 200, "video/mp4", DATA))
    assert video.content_type == "application/octet-stream"
    assert_stream_answer(guest_client.get(f"/videos/{video.id}/stream"), "application/octet-stream")


@pytest.mark.parametrize("case", HOSTILE_CASES)
@pytest.mark.parametrize("way", ["session", "bearer"])
def test_a_hostile_origin_answer_is_our_502_without_its_body(ways_in, guest, corporation, origin, case, way):
    video = factories.make_video(corporation, source_url=add_hostile_answers(origin)[case])
    response = ways_in(video, way)
    assert response.status_code == 502
    assert MARKER not in response.get_data(as_text=True)
    if way == "bearer":
        assert response.get_json()["error"]["code"] == "origin_unavailable"
    else:
        assert response.headers["Content-Type"].startswith("text/html")
        assert "The video source" in response.get_data(as_text=True)  # our page, in our layout
    assert points_of(guest) == 0
    assert db.session.query(VideoView).count() == 0


@pytest.mark.parametrize("source", ["relay", "upload"])
def test_an_unsatisfiable_range_under_api_is_a_json_416_with_the_length(client, guest, corporation, origin,
                                                                         upload, source):
    video = upload if source == "upload" else factories.make_video(
        corporation, source_url=origin.add_file("ranged.mp4", DATA))
    response = client.get(f"/api/v1/videos/{video.id}/stream",
                          headers={**bearer(guest), "Range": f"bytes={len(DATA)}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(DATA)}"
    assert response.get_json()["error"]["code"] == "range_not_satisfiable"
    assert points_of(guest) == 0


def test_relay_sends_headers_and_bytes_as_they_arrive(app, live_server, guest, corporation, origin):
    """The origin holds back the rest of its body until the viewer has the first bytes."""
    first_bytes_seen = threading.Event()

    def body():
        yield DATA[:1000]
        assert first_bytes_seen.wait(10)
        yield DATA[1000:]

    origin.answers["held.mp4"] = lambda request: Response(body(), content_type="video/mp4",
                                                          headers={"Content-Length": str(len(DATA))})
    video = factories.make_video(corporation, source_url=origin.url("held.mp4"))
    with requests.get(f"{live_server.url}/videos/{video.id}/stream", cookies=session_cookie(app, guest),
                      stream=True, timeout=5) as response:
        assert response.status_code == 200  # headers came before the origin's first byte was relayed
        first = response.raw.read(1000)  # a read timeout here: the relay waited for a full chunk
        first_bytes_seen.set()
        assert first + response.raw.read() == DATA


def test_a_trickling_origin_is_cut(app, live_server, guest, corporation, origin):
    app.config["STREAM_READ_TIMEOUT"] = 1  # less than STREAM_MIN_BYTES (16 KiB) a second: cut
    video = factories.make_video(corporation, source_url=origin.add_trickle("trickle.mp4", 100_000, 0.02))
    started = time.monotonic()
    received = b""
    with requests.get(f"{live_server.url}/videos/{video.id}/stream", cookies=session_cookie(app, guest),
                      stream=True, timeout=10) as response:
        assert_stream_answer(response, "video/mp4")
        with pytest.raises(ProtocolError):  # the body ends short of its length: the connection is closed
            while piece := response.raw.read1(65536):
                received += piece
    assert 0 < len(received) < 1000
    assert time.monotonic() - started < 8


@pytest.mark.browser
def test_opening_stream_urls_as_pages_runs_no_script(app, live_server, page, guest, corporation, origin):
    """Relayed hostile answers, a relayed polyglot and an uploaded polyglot, opened in Chromium."""
    canary = origin.url("canary")
    sources = add_hostile_answers(origin)
    sources["relayed polyglot"] = origin.add_answer("polyglot.mp4", 200, "video/mp4", polyglot_mp4(canary))
    videos = [factories.make_video(corporation, source_url=url) for url in sources.values()]
    store_object("polyglot.mp4", polyglot_mp4(canary))
    videos.append(factories.make_video(corporation, file_key="polyglot.mp4"))
    for video in videos:
        with app.test_request_context():
            url = make_playback_url(guest, video, api_session(guest)[1])[0]
        url = url.replace("http://localhost", live_server.url)
        page.goto(url, wait_until="load")
    control = origin.add_answer("control.html", 200, "text/html", page_with_script(origin.url("canary-control")))
    page.goto(control, wait_until="load")  # the canary works: a page of the origin itself calls it
    assert any(path == "/canary-control" for _, path, _ in origin.requests)
    assert origin.canary_hits() == [entry for entry in origin.canary_hits() if entry[1] == "/canary-control"]
