"""Stream starts take turns (webapp/media/gate.py): at most STREAM_STARTS per process go through their
checks at once, a slow origin holds no turn, pages never wait for one, and every start gives its turn back."""
import threading
import time

import pytest
import requests
from flask import request
from werkzeug.wrappers import Response

from tests import factories
from tests.support.helpers import points_of, session_cookie
from tests.support.media import CLIP_BYTES as DATA
from webapp.media.gate import _gate

pytestmark = pytest.mark.app_config(STREAM_STARTS=1)


def test_a_start_holds_its_turn_while_it_reads_and_never_while_its_origin_answers(app, live_server, guest, origin):
    gate, turn_taken = _gate(1), []

    @app.before_request
    def observe():  # registered after the gate's own hook, so it runs inside a start's turn
        free = gate.acquire(blocking=False)
        if free:
            gate.release()
        turn_taken.append((request.path, not free))

    release, arrived = threading.Event(), []

    def held_answer(origin_request):
        arrived.append(gate.acquire(blocking=False) and (gate.release() or True))  # the turn is free meanwhile
        release.wait(10)
        return Response(DATA, content_type="video/mp4")

    origin.answers["held.mp4"] = held_answer
    video = factories.make_video(guest.corporation, source_url=origin.url("held.mp4"))
    cookies, url = session_cookie(app, guest), f"{live_server.url}/videos/{video.id}/stream"
    results = []

    def watch():
        results.append(requests.get(url, cookies=cookies, timeout=30))

    viewers = [threading.Thread(target=watch) for _ in range(2)]
    deadline = time.monotonic() + 10
    for count, viewer in enumerate(viewers, 1):  # the second starts while the first's origin is held
        viewer.start()
        while len(arrived) < count and time.monotonic() < deadline:
            time.sleep(0.01)
    page = requests.get(f"{live_server.url}/", cookies=cookies, timeout=10)
    release.set()
    for viewer in viewers:
        viewer.join(30)
    assert arrived == [True, True]
    assert page.status_code == 200
    assert [result.content for result in results] == [DATA, DATA]
    assert (f"/videos/{video.id}/stream", True) in turn_taken and ("/", False) in turn_taken
    assert points_of(guest) == 10


def test_starts_that_fail_give_their_turn_back(app, guest_client, guest, origin, other_admin):
    missing = factories.make_video(guest.corporation, source_url=origin.url("nothing-here.mp4"))
    foreign = factories.make_video(other_admin.corporation, source_url=origin.add_file("foreign.mp4", DATA))
    clip = factories.make_video(guest.corporation, source_url=origin.add_file("clip.mp4", DATA))
    assert guest_client.get(f"/videos/{missing.id}/stream").status_code == 502
    assert guest_client.get(f"/videos/{foreign.id}/stream").status_code == 404
    assert guest_client.head(f"/videos/{clip.id}/stream").status_code == 200
    assert guest_client.get(f"/videos/{clip.id}/stream").data == DATA
    gate = _gate(1)
    assert gate.acquire(blocking=False)  # the one turn is free again
    gate.release()
