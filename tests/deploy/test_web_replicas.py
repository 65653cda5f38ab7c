"""Two web replicas behind one nginx upstream, as docker-compose runs `web`: two real gunicorn servers
(gunicorn.conf.py, serving.Worker) sharing the run's PostgreSQL database, one Redis and one S3 bucket
(moto's server), and nginx with nginx/nginx.conf listing both and passing direct-upload parts to the
bucket. One stack for the module; the last test kills a replica.
"""
import json
import os
import signal
import uuid

import pytest
import requests
from sqlalchemy import select

from tests import factories
from tests.support.deploy_stack import BrowserSession, running_stack
from tests.support.helpers import CSRF_RE
from tests.support.pages import DEMO_MP4
from tests.support.processes import free_port, wait_until
from tests.support.s3 import empty_and_remove
from webapp.core.extensions import db
from webapp.models import Video

pytestmark = pytest.mark.slow
MB = 1024 * 1024


@pytest.fixture(scope="module")
def replicas(database_url, origin_server, s3_server, tmp_path_factory):
    bucket = f"reelhouse-replicas-{uuid.uuid4().hex[:8]}"
    s3_server.client().create_bucket(Bucket=bucket)
    nginx_port = free_port()
    # Relay mode: each replica sends video bytes itself, so which replica streamed is plain to see.
    with running_stack(database_url, origin_server, tmp_path_factory.mktemp("replicas"), processes=("web",),
                       web_replicas=2, nginx_port=nginx_port, max_upload_mb=16, x_accel_redirect=False,
                       WEB_WORKERS="1", S3_PART_SIZE_MB="5", DIRECT_UPLOAD_MIN_MB="1",
                       # browsers reach the bucket through nginx, on the site's own address (as in compose)
                       S3_PUBLIC_ENDPOINT_URL=f"http://127.0.0.1:{nginx_port}",
                       **s3_server.settings(bucket)) as stack:
        stack.bucket = bucket
        yield stack
    empty_and_remove(s3_server.client(), bucket)


@pytest.fixture(scope="module")
def company(replicas):
    corporation = factories.make_corporation(name="Replica Co")
    return corporation, factories.make_admin(corporation, email="boss@replica.example.com")


def log_in(base_url, email, session=None):
    """Log in with the real login form at base_url; returns the browser-like session."""
    session = session or BrowserSession()
    token = CSRF_RE.search(session.get(f"{base_url}/login").text).group(1)
    response = session.post(f"{base_url}/login", allow_redirects=False,
                            data={"email": email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.text
    return session


def home(session, base_url):
    """GET the library (members only) with a request id of our own; returns (response, request id)."""
    request_id = f"replica-{uuid.uuid4().hex}"
    return session.get(f"{base_url}/library/", headers={"X-Request-ID": request_id}, allow_redirects=False), request_id


def gunicorn_log(stack, replica: int) -> str:
    path = stack.logs / ("gunicorn-access.log" if replica == 0 else f"gunicorn-access-web-{replica + 1}.log")
    return path.read_text() if path.exists() else ""


def nginx_entry(stack, request_id) -> dict:
    """nginx's access log line of one request."""
    def find():
        for line in (stack.logs / "access.log").read_text().splitlines():
            if request_id in line:
                return json.loads(line)
    return wait_until(find, deadline=5, message=f"nginx's log line of {request_id}")


def test_a_login_on_one_replica_holds_on_the_other_and_a_logout_on_either_ends_it(replicas, company):
    corporation, admin = company
    first, second = replicas.web_urls
    session = log_in(first, admin.email)

    page, request_id = home(session, second)
    assert page.status_code == 200
    assert corporation.name in page.text
    wait_until(lambda: f"rid={request_id} " in gunicorn_log(replicas, 1))  # answered by the second server
    assert f"rid={request_id} " not in gunicorn_log(replicas, 0)
    stranger, _ = home(BrowserSession(), second)
    assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]

    token = CSRF_RE.search(session.get(f"{second}/account/").text).group(1)
    assert session.post(f"{second}/logout", data={"csrf_token": token}, allow_redirects=False).status_code == 302
    for base_url in (first, second):
        ended, _ = home(session, base_url)
        assert ended.status_code == 302 and "/login" in ended.headers["Location"]


def test_nginx_spreads_requests_over_both_replicas_and_the_session_holds_on_each(replicas, company):
    corporation, admin = company
    session = log_in(replicas.url, admin.email)

    servers = set()
    for _ in range(6):
        page, request_id = home(session, replicas.url)
        assert page.status_code == 200
        assert corporation.name in page.text
        servers.add(nginx_entry(replicas, request_id)["upstream"])
    assert servers == {url.removeprefix("http://") for url in replicas.web_urls}


def upload_form(session, base_url, title, data):
    token = CSRF_RE.search(session.get(f"{base_url}/videos/upload").text).group(1)
    return session.post(f"{base_url}/videos/upload", data={"title": title, "csrf_token": token},
                        files={"file": ("clip.mp4", data, "video/mp4")}, allow_redirects=False)


def stream(session, base_url, video, **headers):
    return session.get(f"{base_url}/videos/{video.id}/stream", headers=headers)


def test_a_video_uploaded_through_one_replica_is_watched_through_the_other(replicas, company, s3_server):
    corporation, admin = company
    first, second = replicas.web_urls
    session = log_in(first, admin.email)
    clip = DEMO_MP4.read_bytes() + os.urandom(MB)

    assert upload_form(session, first, "Shared clip", clip).status_code == 302
    video = db.session.scalar(select(Video).where(Video.title == "Shared clip"))
    assert s3_server.client().get_object(Bucket=replicas.bucket, Key=video.file_key)["Body"].read() == clip

    whole = stream(session, second, video)
    assert whole.status_code == 200 and whole.content == clip
    ranged = stream(session, second, video, Range="bytes=1000-99999")
    assert ranged.status_code == 206 and ranged.content == clip[1000:100000]
    assert stream(session, replicas.url, video, Range="bytes=-5000").content == clip[-5000:]  # through nginx


def test_a_direct_upload_sends_its_parts_through_nginx_to_the_bucket_and_nothing_else_gets_there(
        replicas, company, s3_server):
    corporation, admin = company
    first, second = replicas.web_urls
    session = log_in(first, admin.email)
    clip = DEMO_MP4.read_bytes() + os.urandom(6 * MB)
    csrf = CSRF_RE.search(session.get(f"{first}/videos/upload").text).group(1)
    started = session.post(f"{first}/videos/upload/direct", headers={"X-CSRFToken": csrf},
                           json={"size": len(clip), "type": "video/mp4", "title": "Through nginx"})
    assert started.status_code == 201, started.text
    ticket = started.json()
    urls = session.post(f"{second}/videos/upload/direct/parts", headers={"X-CSRFToken": csrf},
                        json={"token": ticket["token"], "numbers": [1, 2]}).json()["urls"]
    assert all(url.startswith(f"{replicas.url}/{replicas.bucket}/") for url in urls.values())

    part = clip[:ticket["part_size"]]
    assert requests.get(urls["1"]).status_code == 403  # the bucket cannot be read through nginx
    assert requests.put(urls["1"].split("?")[0], data=part).status_code == 403  # nor written unsigned
    assert requests.get(f"{replicas.url}/{replicas.bucket}/").status_code == 403  # nor listed
    for number in (1, 2):
        start = (number - 1) * ticket["part_size"]
        assert requests.put(urls[str(number)], data=clip[start:start + ticket["part_size"]]).status_code == 200
    # nginx passes the signed request on unchanged: the bucket checks its signature, and refuses an altered one
    altered = requests.put(urls["2"].replace("partNumber=2", "partNumber=3"), data=b"x")
    assert altered.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in altered.text

    finished = session.post(f"{second}/videos/upload/direct/finish", headers={"X-Requested-With": "XMLHttpRequest"},
                            data={"csrf_token": csrf, "title": "Through nginx", "token": ticket["token"]})
    assert finished.status_code == 201, finished.text
    video = db.session.scalar(select(Video).where(Video.title == "Through nginx"))
    assert stream(session, replicas.url, video).content == clip


def test_pages_keep_answering_through_nginx_when_a_replica_dies(replicas, company):
    """Runs last: it kills the first replica (master and workers, no graceful shutdown)."""
    corporation, admin = company
    session = log_in(replicas.url, admin.email)
    dead = replicas.processes["web"]
    os.killpg(dead.popen.pid, signal.SIGKILL)
    dead.popen.wait(timeout=10)
    dead_address, live_address = (url.removeprefix("http://") for url in replicas.web_urls)

    upstreams = []
    for _ in range(8):
        page, request_id = home(session, replicas.url)
        assert page.status_code == 200
        assert corporation.name in page.text
        upstreams.append(nginx_entry(replicas, request_id)["upstream"])
    # nginx tried the dead replica, went on to the live one within the same request, then left it out
    assert f"{dead_address}, {live_address}" in upstreams
    assert upstreams[-1] == live_address

    fresh = log_in(replicas.url, admin.email)  # a POST (the login form) is answered as well
    page, _ = home(fresh, replicas.url)
    assert page.status_code == 200 and corporation.name in page.text
