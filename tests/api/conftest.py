"""API test helpers: bearer headers for a user, and JSON calls that read like the contract."""
import pytest

from tests import factories
from tests.support.media import TINY_MP4
from webapp.accounts.sessions.tokens import open_session
from webapp.core.clock import utcnow
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


@pytest.fixture
def admin_headers(admin, bearer):
    return bearer(admin)


@pytest.fixture
def caller(app, origin):
    """An admin of a paid company with a video; generated requests may delete or change any of it."""
    corporation = factories.make_corporation(name="Schema Co", plan="paid")
    admin = factories.make_admin(corporation, email="admin@schema.example.com")
    factories.make_user(corporation, email="guest@schema.example.com")
    factories.make_video(corporation, title="Clip", source_url=origin.add_file("schema.mp4", b"\x00" * 4096))
    return admin


@pytest.fixture
def small_uploads(app_config):
    app_config.update(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=1024 * 1024 + 64 * 1024)


@pytest.fixture
def spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


@pytest.fixture
def world(app, admin, guest, other_admin, origin):
    """Initech (paid, so restores are allowed) with a video and a trashed video; Umbrella's admin."""
    admin.corporation.plan = "paid"
    admin.corporation.plan_expires_at = factories.days_from_today(30)
    db.session.commit()
    video = factories.make_video(admin.corporation, title="Onboarding",
                                 source_url=origin.add_file("onboarding.mp4", b"\x00" * 2048))
    trashed = factories.make_video(admin.corporation, title="Old", deleted_at=utcnow(), deleted_by_id=admin.id)
    return {"corporation": admin.corporation_id, "admin": admin.id, "guest": guest.id,
            "video": video.id, "trashed": trashed.id, "origin_clip": origin.add_file("new.mp4", b"clip"),
            "users": {"guest": guest, "admin": admin, "other_admin": other_admin}}


@pytest.fixture
def clip(admin, origin):
    """A URL video of the admin's company."""
    return factories.make_video(admin.corporation, source_url=origin.add_file("family.mp4", TINY_MP4))
