"""gunicorn reached directly (no nginx), relay mode, one gevent worker: many viewers at once.

Viewers cost connections, not threads: dozens of slow viewers all get their bytes while pages
answer; half-sent requests and viewers that read nothing are cut after the documented timeouts
(serving.py) and their origin connections closed; a view is credited once however many first
requests race. The worker's timeouts are shortened here (WEB_KEEPALIVE, WEB_CLIENT_TIMEOUT).
"""
import hashlib
import re
import socket
import threading
import time

import pytest
import requests
from sqlalchemy import func, select

from tests import factories
from tests.deploy.test_deploy_streams import signed_url
from tests.support.deploy_stack import running_stack
from tests.support.helpers import api_session, points_of
from tests.support.processes import established_connections_to, wait_until
from webapp.core.extensions import db
from webapp.models import VideoView

pytestmark = pytest.mark.slow

HEAD_TIMEOUT = 2      # WEB_KEEPALIVE: a request's line and headers must arrive within it
CLIENT_TIMEOUT = 2    # WEB_CLIENT_TIMEOUT: a viewer that takes nothing this long is cut
VIEWERS = 60
DATA = b"".join(hashlib.sha256(n.to_bytes(4)).digest() for n in range(64_000))  # 2 MB, no repeats


@pytest.fixture(scope="module")
def direct(database_url, origin_server, tmp_path_factory):
    """The Procfile's web process alone, one worker, reached without nginx, relaying URL sources."""
    with running_stack(database_url, origin_server, tmp_path_factory.mktemp("direct"), processes=("web",),
                       x_accel_redirect=False, nginx_in_front=False, WEB_WORKERS="1", WEB_THREADS="1",
                       WEB_KEEPALIVE=str(HEAD_TIMEOUT), WEB_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT),
                       WEB_GRACEFUL_TIMEOUT="1", SESSION_COOKIE_SECURE="0") as stack:
        yield stack


@pytest.fixture
def viewer(direct, origin):
    return factories.make_user(factories.make_corporation())


def test_the_web_process_runs_the_gevent_worker(direct):
    assert "Using worker: serving.Worker" in direct.processes["web"].log


def read_answer(client: socket.socket, buffer: bytes, *, body: bool) -> tuple[bytes, bytes, bytes]:
    """One answer from a keep-alive connection: (head, body, what arrived after it)."""
    while b"\r\n\r\n" not in buffer:
        buffer += client.recv(65536)
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1)) if body else 0
    while len(rest) < length:
        rest += client.recv(65536)
    return head, rest[:length], rest[length:]


def test_one_keep_alive_connection_gets_whole_answers_in_order(direct):
    """The worker sends an answer's headers together with the start of its body: on one connection a
    page, a HEAD, a static file (sent with sendfile), a 304 and a page again each arrive whole, in order."""
    static = re.search(r'href="(/static/css/app\.css\?v=\w+)"', requests.get(direct.url + "/login", timeout=10).text)[1]
    css = requests.get(direct.url + static, timeout=10)
    port = int(direct.url.rsplit(":", 1)[1])
    asked = [("GET", "/healthz", {}, True), ("HEAD", "/login", {}, False), ("GET", static, {}, True),
             ("GET", static, {"If-None-Match": css.headers["ETag"]}, False), ("GET", "/healthz", {}, True)]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        buffer, answers = b"", []
        for method, path, headers, has_body in asked:
            extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            client.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode())
            head, body, buffer = read_answer(client, buffer, body=has_body)
            answers.append((head.split(b"\r\n", 1)[0], body))
            assert buffer == b""  # nothing of this answer was left over, nothing came early
    assert [status for status, _ in answers] == [b"HTTP/1.1 200 OK", b"HTTP/1.1 200 OK", b"HTTP/1.1 200 OK",
                                                 b"HTTP/1.1 304 NOT MODIFIED", b"HTTP/1.1 200 OK"]
    assert answers[2][1] == css.content and answers[0][1] == answers[4][1] and b"ok" in answers[0][1]


def dechunked(body: bytes) -> bytes:
    """The bytes of a complete chunked HTTP/1.1 body."""
    data = b""
    while True:
        size, _, body = body.partition(b"\r\n")
        if int(size, 16) == 0:
            return data
        data, body = data + body[:int(size, 16)], body[int(size, 16) + 2:]


def test_a_relayed_answer_without_length_sends_its_headers_before_the_origin_sends_bytes(direct, viewer, origin):
    """The worker holds an answer's headers to send them with the body's first piece, except for a
    chunked answer (an origin without Content-Length): the viewer learns the stream started while
    the origin has sent nothing yet."""
    release = threading.Event()
    video = factories.make_video(viewer.corporation, source_url=origin.add_held_back("late.mp4", DATA[:4096], release))
    host_port, _, path = signed_url(direct, viewer, video).removeprefix("http://").partition("/")
    host, port = host_port.split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=10) as client:
            client.sendall(f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nConnection: close\r\n\r\n".encode())
            head = b""
            while b"\r\n\r\n" not in head:
                head += client.recv(65536)  # times out (10 s) if the headers wait for the origin's bytes
            assert head.startswith(b"HTTP/1.1 200") and b"Transfer-Encoding: chunked" in head
            release.set()
            rest = head.partition(b"\r\n\r\n")[2]
            while not rest.endswith(b"0\r\n\r\n"):
                piece = client.recv(65536)
                assert piece, "the answer ended before its last chunk"
                rest += piece
        assert dechunked(rest) == DATA[:4096]  # the bytes the origin sent last
    finally:
        release.set()


def slow_get(url: str, rate: int, piece: int = 16 * 1024) -> tuple[bytes, bytes]:
    """GET url over a socket with a small receive buffer, reading `rate` bytes a second: the head and
    the body (to the announced length)."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, port = host_port.split(":")
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        sock.settimeout(60)
        sock.connect((host, int(port)))
        sock.sendall(f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(piece)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        pieces = [body]
        received = len(body)
        while received < length:
            chunk = sock.recv(min(piece, length - received))
            if not chunk:
                break
            pieces.append(chunk)
            received += len(chunk)
            time.sleep(len(chunk) / rate)
        return head, b"".join(pieces)


def test_many_slow_viewers_get_every_byte_while_pages_answer(direct, viewer, origin):
    """60 viewers reading at 300 KB/s from one worker (which has one thread): each gets the exact
    bytes, and the login page and /healthz answer while all of them are still streaming."""
    video = factories.make_video(viewer.corporation, source_url=origin.add_file("many.mp4", DATA))
    url = signed_url(direct, viewer, video)
    results, started = {}, threading.Semaphore(0)

    def watch(n):
        started.release()
        results[n] = slow_get(url, rate=300_000)

    viewers = [threading.Thread(target=watch, args=(n,)) for n in range(VIEWERS)]
    for thread in viewers:
        thread.start()
    for _ in range(VIEWERS):
        started.acquire()
    wait_until(lambda: established_connections_to(int(direct.url.rsplit(":", 1)[1])) >= VIEWERS, deadline=30,
               interval=0.05, message="every viewer to connect")
    for path in ("/healthz", "/login"):
        assert requests.get(direct.url + path, timeout=30).status_code == 200
    assert not results, "a viewer finished before the pages answered"
    for thread in viewers:
        thread.join(timeout=120)
    assert sorted(results) == list(range(VIEWERS))
    for n, (head, body) in results.items():
        assert head.startswith(b"HTTP/1.1 200"), head
        assert body == DATA, f"viewer {n} got other bytes"
    assert points_of(viewer) == direct.app.config["VIEW_POINTS"]


def received(path):
    return path.exists() and path.stat().st_size > 0


def test_concurrent_first_views_credit_the_points_once(direct, viewer, origin):
    """20 first requests for one video at the same instant, each a ranged read: one view, one credit."""
    video = factories.make_video(viewer.corporation, source_url=origin.add_file("race.mp4", DATA))
    token = api_session(viewer)[0]
    url = f"{direct.url}/api/v1/videos/{video.id}/stream"
    barrier = threading.Barrier(20)
    statuses = []

    def watch():
        barrier.wait()
        response = requests.get(url, timeout=30,
                                headers={"Authorization": f"Bearer {token}", "Range": "bytes=0-9999"})
        statuses.append((response.status_code, response.content == DATA[:10000]))

    threads = [threading.Thread(target=watch) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [(206, True)] * 20
    assert points_of(viewer) == direct.app.config["VIEW_POINTS"]
    assert db.session.scalar(select(func.count()).select_from(VideoView)
                             .where(VideoView.video_id == video.id)) == 1


def closed_by_server(sock: socket.socket, deadline: float) -> bool:
    """Read (and drop) what the server sent until it closes the connection; False if it never does."""
    sock.settimeout(0.5)
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            if not sock.recv(1 << 20):
                return True
        except TimeoutError:
            continue
        except ConnectionResetError:
            return True
    return False


def test_half_sent_requests_are_closed_after_the_head_timeout(direct):
    """100 clients that send half a request line: /login still answers, and each of them is
    disconnected once WEB_KEEPALIVE seconds have passed without a complete head."""
    port = int(direct.url.rsplit(":", 1)[1])
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
    try:
        started = time.monotonic()
        for client in clients:
            client.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        assert requests.get(direct.url + "/login", timeout=30).status_code == 200
        assert all(closed_by_server(client, HEAD_TIMEOUT + 15) for client in clients)
        assert time.monotonic() - started >= HEAD_TIMEOUT - 0.5  # not before the documented timeout
    finally:
        for client in clients:
            client.close()


def test_viewers_that_read_nothing_are_cut_and_their_origins_closed(direct, viewer, origin):
    """30 viewers open a 4 GB stream and read nothing: /login answers meanwhile; after
    WEB_CLIENT_TIMEOUT seconds without progress the server closes them, and every origin connection
    the relays held is closed too (the origin stops being read)."""
    size = 4 << 30  # generated as it is read; the origin counts what all 30 relays took together
    video = factories.make_video(viewer.corporation, source_url=origin.add_generated("idle.mp4", size))
    path = signed_url(direct, viewer, video).removeprefix(direct.url)
    port = int(direct.url.rsplit(":", 1)[1])
    clients = []
    try:
        for _ in range(30):
            client = socket.socket()
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
            client.connect(("127.0.0.1", port))
            client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            clients.append(client)
        wait_until(lambda: established_connections_to(origin.port) >= 30, deadline=30, interval=0.05,
                   message="the relays to start")
        assert requests.get(direct.url + "/login", timeout=30).status_code == 200
        wait_until(lambda: established_connections_to(origin.port) == 0, deadline=CLIENT_TIMEOUT + 20,
                   interval=0.1, message="the relays' origin connections to close")
        assert all(closed_by_server(client, 15) for client in clients)
        assert origin.sent["idle.mp4"] < size // 4  # nobody read the stream to its end
    finally:
        for client in clients:
            client.close()
    assert "no progress in 2 s" in direct.processes["web"].log


def test_a_relay_whose_origin_stops_sending_closes_the_viewer_with_one_log_line(direct, viewer, origin):
    """The origin announces 2 MB and sends 300 KB: the viewer gets those bytes and then the server
    closes its connection (it does not wait for the rest); the web log says why in one line, with
    no traceback."""
    sent = DATA[:300_000]
    video = factories.make_video(viewer.corporation, source_url=origin.add_cut_short("cut.mp4", sent, len(DATA)))
    web = direct.processes["web"]
    logged_before = len(web.log)
    head, body = slow_get(signed_url(direct, viewer, video), rate=100_000_000)  # to the length or the close
    assert head.startswith(b"HTTP/1.1 200") and f"Content-Length: {len(DATA)}".encode() in head
    assert body == sent
    web.wait_for_log("origin stopped sending")
    logged = web.log[logged_before:]
    assert "cut.mp4" in logged
    assert "Error handling request" not in logged and "Traceback" not in logged, logged


def test_a_viewer_that_keeps_reading_slowly_is_not_cut(direct, viewer, origin):
    """Slow but steady (200 KB/s, each relay piece taken well within WEB_CLIENT_TIMEOUT): the
    viewer gets the whole video although that takes longer than the timeout."""
    data = DATA[:1_000_000]
    video = factories.make_video(viewer.corporation, source_url=origin.add_file("steady.mp4", data))
    head, body = slow_get(signed_url(direct, viewer, video), rate=200_000)
    assert head.startswith(b"HTTP/1.1 200"), head
    assert body == data
