"""Token lifecycle: login, rotation with reuse detection, logout, expiry, and tokens that must fail."""
import base64
import json
import threading
import time
from datetime import timedelta

import jwt as pyjwt
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from tests import factories
from tests.api.conftest import assert_error
from webapp.accounts.sessions.tokens import hash_token
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models_sessions import RefreshToken

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_login_returns_a_bearer_pair_and_the_token_works(client, admin, app):
    response = client.post(LOGIN, json={"email": "BOSS@initech.example.com", "password": factories.PASSWORD})
    assert response.status_code == 200
    pair = response.get_json()
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] == app.config["ACCESS_TOKEN_TTL"]
    me = client.get(ME, headers=auth(pair["access_token"]))
    assert me.status_code == 200 and me.get_json()["email"] == admin.email
    claims = pyjwt.decode(pair["access_token"], options={"verify_signature": False})
    assert {"exp", "iat", "sub", "type"} <= set(claims) and claims["type"] == "access"
    assert claims["sub"] == str(admin.id)


def test_refresh_tokens_are_stored_hashed_never_in_clear(client, admin, api_login):
    pair = api_login(admin.email)
    stored = db.session.scalars(select(RefreshToken.token_hash)).all()
    assert stored == [hash_token(pair["refresh_token"])]
    assert pair["refresh_token"] not in stored


@pytest.mark.parametrize("email,password", [
    ("boss@initech.example.com", "wrong-password-123"),
    ("nobody@initech.example.com", factories.PASSWORD),
])
def test_unknown_email_and_wrong_password_get_the_same_401(client, admin, email, password):
    error = assert_error(client.post(LOGIN, json={"email": email, "password": password}), 401,
                         "invalid_credentials")
    assert error["message"] == "The email or password is not correct."


def test_login_validation_errors_name_the_fields(client):
    error = assert_error(client.post(LOGIN, json={"email": 5}), 400, "validation_error")
    assert set(error["fields"]) == {"email", "password"}


def test_refresh_rotates_and_the_old_token_is_dead(client, admin, api_login):
    first = api_login(admin.email)
    response = client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get(ME, headers=auth(second["access_token"])).status_code == 200
    rows = db.session.scalars(select(RefreshToken).order_by(RefreshToken.id)).all()
    assert len(rows) == 2 and rows[0].family_id == rows[1].family_id
    assert rows[0].revoked_at is not None and rows[0].replaced_by_id == rows[1].id
    assert rows[1].revoked_at is None


def test_reusing_a_rotated_token_revokes_the_whole_family_newest_too(client, admin, api_login):
    first = api_login(admin.email)
    other_session = api_login(admin.email)
    second = client.post(REFRESH, json={"refresh_token": first["refresh_token"]}).get_json()
    assert_error(client.post(REFRESH, json={"refresh_token": first["refresh_token"]}), 401,
                 "refresh_token_reused")
    assert_error(client.post(REFRESH, json={"refresh_token": second["refresh_token"]}), 401)
    # Another login (another family) is untouched.
    assert client.post(REFRESH, json={"refresh_token": other_session["refresh_token"]}).status_code == 200


def test_concurrent_refreshes_of_one_token_yield_one_winner(app, admin, api_login, live_server):
    """Two clients racing with the same refresh token: exactly one new pair is issued."""
    import requests

    pair = api_login(admin.email)
    barrier = threading.Barrier(2)
    statuses = []

    def refresh():
        barrier.wait()
        statuses.append(requests.post(f"{live_server.url}{REFRESH}",
                                      json={"refresh_token": pair["refresh_token"]}, timeout=10).status_code)

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 401]
    issued = db.session.scalar(select(db.func.count(RefreshToken.id)))
    assert issued == 2  # the login's token and one rotation, never two


def test_logout_revokes_the_session(client, admin, api_login):
    pair = api_login(admin.email)
    assert client.post(LOGOUT, json={"refresh_token": pair["refresh_token"]}).status_code == 204
    assert_error(client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}), 401,
                 "invalid_refresh_token")


def test_expired_refresh_token_is_refused(client, admin, api_login, app):
    pair = api_login(admin.email)
    with freeze_time(utcnow() + timedelta(seconds=app.config["REFRESH_TOKEN_TTL"] + 1)):
        assert_error(client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}), 401,
                     "refresh_token_expired")


def test_access_token_expires_after_its_ttl(client, admin, bearer, app):
    headers = bearer(admin)
    with freeze_time(utcnow() + timedelta(seconds=app.config["ACCESS_TOKEN_TTL"] - 5)):
        assert client.get(ME, headers=headers).status_code == 200
    with freeze_time(utcnow() + timedelta(seconds=app.config["ACCESS_TOKEN_TTL"] + 1)):
        assert_error(client.get(ME, headers=headers), 401, "token_expired")


def test_deleted_user_tokens_answer_401_at_once(client, admin, guest, bearer, api_login):
    headers = bearer(guest)
    pair = api_login(guest.email)
    guest.deleted_at = utcnow()
    db.session.commit()
    assert_error(client.get(ME, headers=headers), 401)
    assert_error(client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}), 401)


def test_deleted_corporation_members_lose_access_at_once(client, admin, guest, bearer, api_login):
    guest_headers = bearer(guest)
    pair = api_login(guest.email)
    response = client.delete(f"/api/v1/corporations/{admin.corporation_id}", headers=bearer(admin))
    assert response.status_code == 204
    assert_error(client.get(ME, headers=guest_headers), 401)
    assert_error(client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}), 401)
    assert_error(client.post(LOGIN, json={"email": guest.email, "password": factories.PASSWORD}), 401)


def test_password_change_revokes_refresh_and_access_tokens(client, guest, api_login):
    pair = api_login(guest.email)
    response = client.patch(f"/api/v1/users/{guest.id}", headers=auth(pair["access_token"]),
                            json={"current_password": factories.PASSWORD, "password": "a-new-password-42"})
    assert response.status_code == 200
    assert_error(client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}), 401)
    assert_error(client.get(ME, headers=auth(pair["access_token"])), 401)
    assert api_login(guest.email, "a-new-password-42")["access_token"]


def test_admin_password_reset_revokes_the_members_tokens(client, admin, guest, bearer, api_login):
    pair = api_login(guest.email)
    response = client.patch(f"/api/v1/users/{guest.id}", headers=bearer(admin),
                            json={"password": "reset-by-admin-123"})
    assert response.status_code == 200
    assert_error(client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}), 401)
    assert_error(client.get(ME, headers=auth(pair["access_token"])), 401)


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user, **extra):
    now = int(time.time())
    return {"sub": str(user.id), "iat": now, "nbf": now, "exp": now + 600, "type": "access",
            "sv": user.session_version, **extra}


def test_alg_none_token_is_refused(client, admin):
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(admin))}."
    assert_error(client.get(ME, headers=auth(token)), 401, "invalid_token")


def test_other_algorithms_are_refused_even_with_the_right_key(client, admin, app):
    token = pyjwt.encode(_claims(admin), app.config["JWT_SECRET_KEY"], algorithm="HS384")
    assert_error(client.get(ME, headers=auth(token)), 401, "invalid_token")


def test_tampered_token_is_refused(client, admin, guest, bearer):
    header, payload, signature = bearer(guest)["Authorization"].removeprefix("Bearer ").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = str(admin.id)
    assert_error(client.get(ME, headers=auth(f"{header}.{_b64(claims)}.{signature}")), 401, "invalid_token")


def test_token_signed_with_another_key_is_refused(client, admin):
    token = pyjwt.encode(_claims(admin), "some-other-key-0123456789-0123456789", algorithm="HS256")
    assert_error(client.get(ME, headers=auth(token)), 401, "invalid_token")


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "type"])
def test_tokens_missing_a_required_claim_are_refused(client, admin, app, claim):
    claims = _claims(admin)
    del claims[claim]
    token = pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256")
    assert_error(client.get(ME, headers=auth(token)), 401, "invalid_token")


@pytest.mark.parametrize("token_type", ["refresh", "id", ""])
def test_a_token_of_another_type_is_not_an_access_token(client, admin, app, token_type):
    token = pyjwt.encode(_claims(admin, type=token_type), app.config["JWT_SECRET_KEY"], algorithm="HS256")
    assert_error(client.get(ME, headers=auth(token)), 401, "invalid_token")


@pytest.mark.parametrize("value", ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a.b.c", "Bearer é"])
def test_malformed_authorization_headers_are_401(client, value):
    assert_error(client.get(ME, headers={"Authorization": value}), 401)


def test_sessions_list_shows_active_sessions_without_token_values(client, admin, api_login):
    pair = api_login(admin.email)
    other = api_login(admin.email)
    client.post(LOGOUT, json={"refresh_token": pair["refresh_token"]})
    response = client.get(f"/api/v1/users/{admin.id}/sessions", headers=auth(other["access_token"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1
    session = body["items"][0]
    assert set(session) == {"id", "created_at", "last_used_at", "expires_at", "user_agent"}
    assert pair["refresh_token"] not in json.dumps(body)


def test_deleting_sessions_revokes_every_refresh_token(client, admin, api_login, bearer):
    pairs = [api_login(admin.email) for _ in range(2)]
    assert client.delete(f"/api/v1/users/{admin.id}/sessions", headers=bearer(admin)).status_code == 204
    for pair in pairs:
        assert_error(client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}), 401)
    # Only the session the next request is made in (the one that deleted them was ended too).
    assert client.get(f"/api/v1/users/{admin.id}/sessions", headers=bearer(admin)).get_json()["total"] == 1


def test_login_is_rate_limited_per_account_with_retry_after(client, admin, app):
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "3 per minute"
    for _ in range(3):
        assert_error(client.post(LOGIN, json={"email": admin.email, "password": "wrong-password-1"}), 401)
    response = client.post(LOGIN, json={"email": admin.email.upper(), "password": factories.PASSWORD})
    assert_error(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    # Another account from the same address is not blocked by this one's failures.
    other = factories.make_user(email="other@initech.example.com")
    assert client.post(LOGIN, json={"email": other.email, "password": factories.PASSWORD}).status_code == 200


def test_login_is_rate_limited_per_address(client, admin, app):
    app.config["LOGIN_RATE_LIMIT_PER_IP"] = "4 per minute"
    for number in range(4):
        client.post(LOGIN, json={"email": f"user{number}@example.com", "password": "whatever-12345"})
    response = client.post(LOGIN, json={"email": admin.email, "password": factories.PASSWORD})
    assert_error(response, 429)
    assert "Retry-After" in response.headers


@pytest.mark.parametrize("subject", ["99999999999", "abc", "-1", "0"])
def test_a_validly_signed_token_for_no_user_is_401(client, admin, app, subject):
    token = pyjwt.encode(_claims(admin, sub=subject), app.config["JWT_SECRET_KEY"], algorithm="HS256")
    assert_error(client.get(ME, headers=auth(token)), 401, "invalid_token")
