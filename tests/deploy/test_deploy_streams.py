"""Stream answers through the shipped nginx config: the offload mode keeps every guarantee of the relay.

Real gunicorn behind real nginx (nginx/nginx.conf and offload.conf rendered as the image renders
them), a real origin that answers with hostile bodies, and Chromium. One stack in offload mode
(X_ACCEL_REDIRECT=1, the docker-compose default); relay mode behind nginx: test_deploy_relay.py.
"""
import pytest
import requests

from tests import factories
from tests.e2e.test_player import play_muted
from tests.support.deploy_stack import running_stack
from tests.support.helpers import api_session, points_of
from tests.support.hostile import HOSTILE_CASES, MARKER, add_hostile_answers, page_with_script, polyglot_mp4
from tests.support.processes import wait_until
from webapp.accounts.sessions.playback import make_playback_url
from webapp.core.security import STREAM_CONTENT_SECURITY_POLICY
from webapp.demo import DEMO_MEDIA

pytestmark = pytest.mark.slow

DATA = b"\0\0\0\x18ftypmp42" + bytes(range(256)) * 2000
STATUS_CASES = ("404 with html", "500 with html", "redirect")


@pytest.fixture(scope="module")
def offload(database_url, origin_server, tmp_path_factory):
    with running_stack(database_url, origin_server, tmp_path_factory.mktemp("offload"), processes=("web",),
                       SESSION_COOKIE_SECURE="0") as stack:  # plain http on loopback: Chromium logs in
        yield stack


@pytest.fixture
def viewer(offload, origin):
    corporation = factories.make_corporation()
    return factories.make_user(corporation)


def signed_url(stack, user, video):
    """The signed playback URL of `video` for `user`, through the stack's nginx."""
    with stack.app.test_request_context():
        return make_playback_url(user, video, api_session(user)[1])[0].replace("http://localhost", stack.url)


def api_stream(stack, user, video, **headers):
    return requests.get(f"{stack.url}/api/v1/videos/{video.id}/stream", timeout=10,
                        headers={"Authorization": f"Bearer {api_session(user)[0]}", **headers})


def assert_stream_answer(response, content_type="video/mp4"):
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == STREAM_CONTENT_SECURITY_POLICY


def assert_our_502(response, api):
    assert response.status_code == 502
    assert MARKER not in response.text
    if api:
        assert response.json()["error"]["code"] == "origin_unavailable"
    else:
        assert response.headers["Content-Type"].startswith("text/html")
        assert "The video source" in response.text


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_hostile_origin_answers_are_our_502_through_nginx(offload, viewer, origin, case):
    video = factories.make_video(viewer.corporation, source_url=add_hostile_answers(origin)[case])
    assert_our_502(requests.get(signed_url(offload, viewer, video), timeout=10), api=False)
    assert_our_502(api_stream(offload, viewer, video), api=True)
    assert points_of(viewer) == 0


@pytest.mark.parametrize("case", STATUS_CASES)
def test_nginx_turns_an_origin_error_after_the_check_into_our_502(offload, viewer, origin, case):
    """The origin answers the app's check with video, then nginx's request with an error page."""
    status, location = {"404 with html": (404, None), "500 with html": (500, None),
                        "redirect": (302, "http://169.254.169.254/")}[case]
    page = page_with_script(origin.url("canary"))
    url = origin.add_two_faced(f"two-faced-{status}.mp4", status, "text/html", page,
                               **({"Location": location} if location else {}))
    video = factories.make_video(viewer.corporation, source_url=url)
    response = requests.get(signed_url(offload, viewer, video), headers={"Range": "bytes=0-"}, timeout=10)
    assert_our_502(response, api=False)
    assert f"answered with HTTP status {status}" in response.text
    assert "Location" not in response.headers
    assert_our_502(api_stream(offload, viewer, video), api=True)


def test_video_bytes_through_nginx_carry_our_type_and_policy(offload, viewer, origin):
    by_url = factories.make_video(viewer.corporation, source_url=origin.add_two_faced(
        "typed.mp4", 200, "text/html", DATA))  # the origin says video to the check, HTML to nginx
    (offload.media / "polyglot.mp4").write_bytes(polyglot_mp4(origin.url("canary")))
    upload = factories.make_video(viewer.corporation, file_key="polyglot.mp4")
    for video in (by_url, upload):
        for response in (requests.get(signed_url(offload, viewer, video), timeout=10),
                         api_stream(offload, viewer, video)):
            assert response.status_code == 200
            assert_stream_answer(response)
            assert response.headers["Accept-Ranges"] == "bytes"
            assert response.headers["Cache-Control"] == "private"


def test_a_trickling_origin_holds_no_app_thread_and_gets_our_headers(offload, viewer, origin):
    video = factories.make_video(viewer.corporation, source_url=origin.add_trickle("offload-trickle.mp4", 2000, 0.02))
    with requests.get(signed_url(offload, viewer, video), stream=True, timeout=10) as response:
        assert response.status_code == 200
        assert_stream_answer(response)
        assert response.raw.read(1) == b"\0"  # nginx passes bytes on as they come
        assert requests.get(f"{offload.url}/healthz", timeout=5).status_code == 200


@pytest.fixture
def credit_cases(offload, origin):
    """One guest and one video per case, and how to ask for it."""
    clip = origin.add_file("credit.mp4", DATA)
    etag = requests.head(clip, timeout=5).headers["ETag"]
    hostile = add_hostile_answers(origin)
    return {
        "origin 404": (hostile["404 with html"], "GET", {}, 502),
        "origin 500": (hostile["500 with html"], "GET", {}, 502),
        "redirect": (hostile["redirect"], "GET", {}, 502),
        "range past the end": (clip, "GET", {"Range": f"bytes={len(DATA)}-"}, 416),
        "If-None-Match": (clip, "GET", {"If-None-Match": etag}, 304),
        "HEAD": (clip, "HEAD", {}, 200),
        "200": (clip, "GET", {}, 200),
        "206": (clip, "GET", {"Range": "bytes=100-"}, 206),
    }


def test_offload_credits_points_only_for_video_bytes(offload, credit_cases):
    corporation = factories.make_corporation()
    for case, (url, method, headers, status) in credit_cases.items():
        guest = factories.make_user(corporation)
        video = factories.make_video(corporation, source_url=url)
        for _ in range(2):
            response = requests.request(method, signed_url(offload, guest, video), headers=headers, timeout=10)
            assert response.status_code == status, case
        expected = 10 if status in (200, 206) and method == "GET" else 0
        assert points_of(guest) == expected, case  # exactly once for 200 and 206, else never
        if status == 416:
            api = api_stream(offload, guest, video, Range=f"bytes={len(DATA)}-")
            assert api.status_code == 416 and api.json()["error"]["code"] == "range_not_satisfiable"
            assert api.headers["Content-Range"] == f"bytes */{len(DATA)}"
        if status == 206:
            assert response.content == DATA[100:]


@pytest.mark.browser
def test_opening_stream_urls_through_nginx_runs_no_script(offload, viewer, origin, page):
    canary = origin.url("canary")
    sources = add_hostile_answers(origin)
    sources["two-faced page"] = origin.add_two_faced("two-faced-page.mp4", 200, "text/html", page_with_script(canary))
    videos = [factories.make_video(viewer.corporation, source_url=url) for url in sources.values()]
    (offload.media / "polyglot-upload.mp4").write_bytes(polyglot_mp4(canary))
    videos.append(factories.make_video(viewer.corporation, file_key="polyglot-upload.mp4"))
    for video in videos:
        page.goto(signed_url(offload, viewer, video), wait_until="load")
    control = origin.add_answer("control.html", 200, "text/html", page_with_script(origin.url("canary-control")))
    page.goto(control, wait_until="load")
    wait_until(lambda: any(path == "/canary-control" for _, path, _ in origin.requests), deadline=10)
    assert all(path == "/canary-control" for _, path, _ in origin.canary_hits())


@pytest.mark.browser
def test_a_real_mp4_plays_and_seeks_in_chromium_through_nginx(offload, origin, page):
    """The watch page's player, logged in through nginx: a URL source (/_origin) and an upload (/_media)."""
    guest = factories.make_user(factories.make_corporation())
    clip = (DEMO_MEDIA / "colour-bars.mp4").read_bytes()
    (offload.media / "colour-bars.mp4").write_bytes(clip)
    page.goto(f"{offload.url}/login")
    page.get_by_label("Email").fill(guest.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    for video in (factories.make_video(guest.corporation, title="Colour bars",
                                       source_url=origin.add_file("offload-bars.mp4", clip)),
                  factories.make_video(guest.corporation, title="Colour bars", file_key="colour-bars.mp4")):
        page.goto(f"{offload.url}/watch/{video.id}")
        play_muted(page)
        assert page.evaluate("() => document.getElementById('player').seekable.end(0)") > 7
        page.evaluate("""() => new Promise(resolve => { const v = document.getElementById('player');
            v.addEventListener('seeked', resolve, { once: true }); v.currentTime = 6; })""")
        page.wait_for_function("() => document.getElementById('player').currentTime >= 6.2", timeout=10000)
    assert points_of(guest) == 20
