"""Two web replicas behind one nginx upstream, as docker-compose runs `web`: two real gunicorn servers
(gunicorn.conf.py, serving.Worker) sharing the run's PostgreSQL database and one Redis, and nginx with
nginx/nginx.conf listing both. One stack for the module; the last test kills a replica.
"""
import json
import os
import signal
import uuid

import pytest

from tests import factories
from tests.support.deploy_stack import BrowserSession, running_stack
from tests.support.helpers import CSRF_RE
from tests.support.processes import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replicas(database_url, origin_server, tmp_path_factory):
    with running_stack(database_url, origin_server, tmp_path_factory.mktemp("replicas"), processes=("web",),
                       web_replicas=2, WEB_WORKERS="1") as stack:
        yield stack


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
