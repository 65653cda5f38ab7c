"""The stream route relays URL videos from a real origin: exact bytes, ranges, HEAD, failures."""
import socket
import threading
import time

import pytest
import requests
from werkzeug.wrappers import Response

from tests import factories
from tests.support.helpers import points_of, session_cookie
from tests.support.media import CLIP_BYTES as DATA
from tests.support.origin import OriginServer
from tests.support.processes import established_connections_to, free_port
from webapp.core.extensions import db
from webapp.media.origin import open_upstreams
from webapp.models import User, VideoView


def test_full_read_is_byte_exact_and_credits_points_once(guest_client, guest, clip):
    response = guest_client.get(f"/videos/{clip.id}/stream")
    assert response.status_code == 200
    assert response.data == DATA
    assert response.headers["Content-Length"] == str(len(DATA))
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert points_of(guest) == 10
    assert guest_client.get(f"/videos/{clip.id}/stream").data == DATA
    assert points_of(guest) == 10
    assert db.session.query(VideoView).filter_by(user_id=guest.id, video_id=clip.id).one().points_awarded == 10


@pytest.mark.parametrize("header, start, end", [
    ("bytes=0-1", 0, 1),
    ("bytes=1000-65535", 1000, 65535),
    ("bytes=299990-", 299990, 299999),
    ("bytes=-500", 299500, 299999),  # suffix range: the last 500 bytes
])
def test_ranged_reads_answer_206_with_the_origins_range_headers(guest_client, guest, clip, origin, header,
                                                                start, end):
    response = guest_client.get(f"/videos/{clip.id}/stream", headers={"Range": header})
    assert response.status_code == 206
    assert response.data == DATA[start:end + 1]
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert response.headers["Content-Length"] == str(end - start + 1)
    assert ("GET", "/clip.mp4", header) in origin.requests
    assert points_of(guest) == 10  # a range request is a view too


def test_if_range_is_forwarded(guest_client, clip):
    etag = guest_client.head(f"/videos/{clip.id}/stream").headers["ETag"]
    same = guest_client.get(f"/videos/{clip.id}/stream", headers={"Range": "bytes=0-9", "If-Range": etag})
    assert same.status_code == 206 and same.data == DATA[:10]
    changed = guest_client.get(f"/videos/{clip.id}/stream", headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert changed.status_code == 200 and changed.data == DATA


def test_unsatisfiable_range_passes_416_through_and_credits_nothing(guest_client, guest, clip):
    response = guest_client.get(f"/videos/{clip.id}/stream", headers={"Range": f"bytes={len(DATA)}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(DATA)}"
    assert points_of(guest) == 0


def test_head_gives_the_headers_without_a_body_or_points(guest_client, guest, clip, origin):
    response = guest_client.head(f"/videos/{clip.id}/stream")
    assert response.status_code == 200
    assert response.headers["Content-Length"] == str(len(DATA))
    assert response.data == b""
    assert origin.requests[-1][0] == "HEAD"
    assert points_of(guest) == 0


def test_origin_down_is_a_502_page_and_credits_nothing(app, guest_client, guest, corporation):
    port = free_port()  # nobody listens there
    app.config["VIDEO_SOURCE_ALLOWED_HOSTS"].append(f"127.0.0.1:{port}")
    video = factories.make_video(corporation, source_url=f"http://127.0.0.1:{port}/clip.mp4")
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.status_code == 502
    assert "The video source could not be reached." in response.get_data(as_text=True)
    assert points_of(guest) == 0
    assert db.session.query(VideoView).count() == 0


def test_origin_error_status_is_a_502_without_its_body(guest_client, guest, corporation, origin):
    video = factories.make_video(corporation, source_url=origin.url("missing.mp4"))
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.status_code == 502
    assert "answered with HTTP status 404" in response.get_data(as_text=True)
    assert "not found" not in response.get_data(as_text=True)
    assert points_of(guest) == 0


def test_slow_origin_times_out_with_a_502(app, guest_client, guest, corporation):
    """A server that accepts the connection but never answers hits STREAM_READ_TIMEOUT."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    port = silent.getsockname()[1]
    app.config["VIDEO_SOURCE_ALLOWED_HOSTS"].append(f"127.0.0.1:{port}")
    app.config["STREAM_READ_TIMEOUT"] = 0.5
    video = factories.make_video(corporation, source_url=f"http://127.0.0.1:{port}/clip.mp4")
    try:
        response = guest_client.get(f"/videos/{video.id}/stream")
    finally:
        silent.close()
    assert response.status_code == 502
    assert "did not answer in time" in response.get_data(as_text=True)
    assert points_of(guest) == 0


def test_upstream_is_closed_when_the_client_goes_away(app, live_server, guest, corporation, tmp_path):
    """A viewer who closes the tab mid-stream must not leave the origin connection open."""
    own_origin = OriginServer(tmp_path / "big-origin").start()
    try:
        app.config["VIDEO_SOURCE_ALLOWED_HOSTS"] = [f"127.0.0.1:{own_origin.port}"]
        video = factories.make_video(corporation, source_url=own_origin.add_file("big.mp4", b"\0" * (64 << 20)))
        assert established_connections_to(own_origin.port) == 0
        before = open_upstreams()
        response = requests.get(f"{live_server.url}/videos/{video.id}/stream", cookies=session_cookie(app, guest),
                                stream=True, timeout=10)
        assert response.status_code == 200
        assert len(next(response.iter_content(256 * 1024))) > 0
        assert open_upstreams() == before + 1
        assert established_connections_to(own_origin.port) == 1
        response.close()  # the client goes away after a few hundred KB of 64 MB
        deadline = time.monotonic() + 10
        while ((open_upstreams() > before or established_connections_to(own_origin.port))
               and time.monotonic() < deadline):
            time.sleep(0.05)
        assert open_upstreams() == before
        assert established_connections_to(own_origin.port) == 0
    finally:
        own_origin.stop()


def test_relay_survives_parallel_viewers_with_exact_bytes(app, live_server, guest, clip):
    cookies = session_cookie(app, guest)
    url = f"{live_server.url}/videos/{clip.id}/stream"
    results = []

    def watch(start):
        response = requests.get(url, cookies=cookies,
                                headers={"Range": f"bytes={start}-"}, timeout=10)
        results.append(response.content == DATA[start:])

    threads = [threading.Thread(target=watch, args=(n * 1000,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 6


def test_a_viewers_start_holds_no_database_connection_while_the_origin_answers(app, guest_client, guest, origin):
    """The reads (session, user, video) run without a transaction and give the connection back before
    the origin is asked; the credit then runs in a transaction of its own, once."""
    held, pool = [], db.engine.pool  # the app's pool (the origin runs in a thread of this process)

    def answer(request):
        held.append(pool.checkedout())
        return Response(DATA, content_type="video/mp4")

    origin.answers["held.mp4"] = answer
    video_id = factories.make_video(guest.corporation, source_url=origin.url("held.mp4")).id
    guest_id = guest.id
    db.session.remove()
    for _ in range(2):
        assert guest_client.get(f"/videos/{video_id}/stream").data == DATA
    assert held == [0, 0]
    assert points_of(db.session.get(User, guest_id)) == 10
