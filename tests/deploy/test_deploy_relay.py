"""Relay mode (X_ACCEL_REDIRECT=0) behind the shipped nginx: a viewer that reads nothing costs no disk.

A module of its own: its stack must not run beside another one (each holds a database session).
"""
import socket
import time

import pytest

from tests import factories
from tests.deploy.test_deploy_streams import signed_url
from tests.support.deploy_stack import running_stack
from tests.support.processes import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def relay_behind_nginx(database_url, origin_server, tmp_path_factory):
    with running_stack(database_url, origin_server, tmp_path_factory.mktemp("relay"), processes=("web",),
                       x_accel_redirect=False, WEB_GRACEFUL_TIMEOUT="1") as stack:
        yield stack


def test_relay_behind_nginx_spools_nothing_for_a_viewer_that_reads_nothing(relay_behind_nginx, origin):
    """nginx passes the relay on as the viewer reads (X-Accel-Buffering: no): no temporary file, and
    the origin is held back instead of being read whole into nginx."""
    stack = relay_behind_nginx
    guest = factories.make_user(factories.make_corporation())
    size = 96 << 20
    video = factories.make_video(guest.corporation, source_url=origin.add_generated("big.mp4", size))
    url = signed_url(stack, guest, video)
    path = url.removeprefix(stack.url)
    port = int(stack.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as idle_viewer:
        idle_viewer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        idle_viewer.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        wait_until(lambda: origin.sent.get("big.mp4", 0) > 0, message="the relay to start")
        readings = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the origin stops being read once every buffer is full
            readings.append(origin.sent["big.mp4"])
            if len(readings) > 5 and readings[-1] == readings[-6]:
                break
            time.sleep(0.2)
        assert readings[-1] < size // 2, readings[-1]
        assert not [f for f in (stack.run_dir / "proxy").rglob("*") if f.is_file()]
