"""Stream starts take turns (webapp/media/gate.py): at most STREAM_STARTS per process are being
worked on at once, pages never wait for a turn, and every start gives its turn back."""
import threading
import time

import pytest
import requests
from werkzeug.wrappers import Response

from tests import factories
from tests.support.helpers import points_of, session_cookie
from tests.support.media import CLIP_BYTES as DATA
from webapp.media.gate import _gate

pytestmark = pytest.mark.app_config(STREAM_STARTS=1)


def test_a_second_start_waits_for_the_first_while_pages_answer(app, live_server, guest, origin):
    release, arrived = threading.Event(), []

    def held_answer(request):
        arrived.append(time.monotonic())
        release.wait(10)
        return Response(DATA, content_type="video/mp4")

    origin.answers["held.mp4"] = held_answer
    video = factories.make_video(guest.corporation, source_url=origin.url("held.mp4"))
    cookies, url = session_cookie(app, guest), f"{live_server.url}/videos/{video.id}/stream"
    results = []

    def watch():
        results.append(requests.get(url, cookies=cookies, timeout=30))

    viewers = [threading.Thread(target=watch) for _ in range(2)]
    viewers[0].start()
    while not arrived:
        time.sleep(0.01)
    viewers[1].start()
    page = requests.get(f"{live_server.url}/", cookies=cookies, timeout=10)  # not held back by the starts
    assert page.status_code == 200
    time.sleep(0.5)
    assert len(arrived) == 1  # the second start waits for its turn before it opens the origin
    release.set()
    for viewer in viewers:
        viewer.join(30)
    assert len(arrived) == 2
    assert [result.content for result in results] == [DATA, DATA]
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
