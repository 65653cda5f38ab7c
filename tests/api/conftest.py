"""API test helpers: bearer headers for a user, and JSON calls that read like the contract."""
import pytest

from tests import factories
from webapp.accounts.sessions.tokens import open_session
from webapp.core.extensions import db


@pytest.fixture(autouse=True)
def unthrottled(redis_conn):
    """Every API test starts with empty rate-limit counters (the test Redis database is emptied).

    Flask-Limiter keeps the key prefix of the first app it was initialised with, so the
    per-test RATELIMIT_KEY_PREFIX alone does not separate tests.
    """


@pytest.fixture
def bearer(app):
    """Authorization headers carrying an access token of a new API session of `user`."""

    def headers(user):
        token = open_session(user)["access_token"]
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def api_login(client):
    """Log in through the API and return the token pair."""

    def login(email, password=factories.PASSWORD):
        response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return login


def assert_error(response, status, code=None):
    """The response is the JSON error envelope with this status (and code)."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and isinstance(body["error"]["message"], str)
    if code:
        assert body["error"]["code"] == code, body
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    return body["error"]
