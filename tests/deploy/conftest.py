"""Fixtures of the deployment tests: the production stack (nginx, gunicorn, worker, scheduler) on loopback."""
import pytest

from tests import factories
from tests.support.deploy_stack import MAX_UPLOAD_MB, BrowserSession, running_stack
from tests.support.helpers import CSRF_RE


@pytest.fixture(scope="module")
def stack(database_url, origin_server, tmp_path_factory):
    """The whole production stack on loopback ports; yields where everything is."""
    with running_stack(database_url, origin_server, tmp_path_factory.mktemp("stack"),
                       max_upload_mb=MAX_UPLOAD_MB) as running:
        yield running


@pytest.fixture
def log_in(stack):
    """Log in through nginx with the real login form; returns the browser-like session."""
    sessions = []

    def login(email):
        session = BrowserSession()
        sessions.append(session)
        token = CSRF_RE.search(session.get(f"{stack.url}/login").text).group(1)
        response = session.post(f"{stack.url}/login", allow_redirects=False,
                                data={"email": email, "password": factories.PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.text
        return session

    yield login
    for session in sessions:
        session.close()
