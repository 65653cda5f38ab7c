"""Hostile input and token lifetimes under /api: every JSON body goes through one guarded parser, every
status is the JSON envelope, tokens and playback URLs die with their session, nothing is cacheable."""
import pytest

from tests import factories
from tests.api.conftest import assert_error
from tests.support.helpers import post_form

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"
HUGE_INTEGER = "9" * 4301  # one digit over Python's int conversion limit
MP4 = b"\0\0\0\x18ftypisom" + bytes(1024)


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def json_call(client, method, path, body, headers=None):
    return client.open(path, method=method, data=body, content_type="application/json", headers=headers or {})


# (method, path template, needs the admin's token, a field of its schema)
JSON_ENDPOINTS = [
    ("POST", LOGIN, False, "email"),
    ("POST", REFRESH, False, "refresh_token"),
    ("POST", LOGOUT, False, "refresh_token"),
    ("POST", "/api/v1/corporations", False, "name"),
    ("PATCH", "/api/v1/corporations/{corporation}", True, "name"),
    ("POST", "/api/v1/users", True, "email"),
    ("PATCH", "/api/v1/users/{admin}", True, "role"),
    ("POST", "/api/v1/videos", True, "title"),
    ("PATCH", "/api/v1/videos/{video}", True, "title"),
]
HOSTILE_BODIES = {
    "over-long integer in a field": lambda field: f'{{"{field}": {HUGE_INTEGER}}}',
    "over-long negative integer beside valid fields": lambda field: f'{{"x": "y", "{field}": -{HUGE_INTEGER}}}',
    "over-long integer nested in a list": lambda field: f'{{"{field}": [1, {{"a": {HUGE_INTEGER}}}]}}',
    "nesting deeper than the interpreter's stack": lambda field: f'{{"{field}": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "unclosed deep nesting": lambda field: "[" * 200_000,
    "nesting deeper than any body of ours": lambda field: f'{{"{field}": ' + "[" * 40 + "]" * 40 + "}",
    "a list": lambda field: f'[{{"{field}": "x"}}]',
    "a number": lambda field: "42",
    "a huge bare integer": lambda field: HUGE_INTEGER,
    "a string": lambda field: '"text"',
    "null": lambda field: "null",
    "not UTF-8": lambda field: b'{"' + field.encode() + b'": "\xff\xfe"}',
    "empty": lambda field: "",
}


@pytest.mark.parametrize("method, path, needs_token, field", JSON_ENDPOINTS)
def test_hostile_json_bodies_are_400_invalid_json_everywhere(client, admin, admin_headers, method, path,
                                                              needs_token, field):
    video = factories.make_video(admin.corporation)
    url = path.format(corporation=admin.corporation_id, admin=admin.id, video=video.id)
    for number, (kind, body) in enumerate(HOSTILE_BODIES.items()):
        headers = {**(admin_headers if needs_token else {}), "X-Test": kind}
        response = client.open(url, method=method, data=body(field), content_type="application/json",
                               headers=headers, environ_base={"REMOTE_ADDR": f"198.51.100.{number}"})
        assert response.status_code == 400, (kind, response.status_code, response.get_data(as_text=True)[:300])
        assert_error(response, 400, "invalid_json")


def test_a_json_body_of_our_own_depth_still_works(client, admin):
    body = f'{{"email": "{admin.email}", "password": "{factories.PASSWORD}"}}'
    response = json_call(client, "POST", LOGIN, body)
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["not a file", ""])
def test_an_upload_whose_file_is_a_text_field_is_400_naming_the_field(client, admin_headers, value):
    response = client.post("/api/v1/videos", headers=admin_headers, data={"title": "Clip", "file": value},
                           content_type="multipart/form-data")
    error = assert_error(response, 400, "validation_error")
    assert set(error["fields"]) == {"file"}


# ---- every status is the envelope ------------------------------------------------------------

@pytest.mark.parametrize("path, allowed", [
    ("/api/v1/videos", {"GET", "POST"}),
    (LOGIN, {"POST"}),
    ("/api/v1/videos/1", {"GET", "PATCH", "DELETE"}),
])
def test_options_under_api_answers_json_with_the_allowed_methods(client, path, allowed):
    response = client.open(path, method="OPTIONS")
    assert response.status_code == 200 and response.mimetype == "application/json"
    methods = set(response.get_json()["allow"])
    assert allowed <= methods and "OPTIONS" in methods
    assert set(response.headers["Allow"].split(", ")) == methods


def test_options_of_an_unknown_api_path_is_a_json_404(client):
    assert_error(client.open("/api/v1/nothing-here", method="OPTIONS"), 404, "not_found")


@pytest.mark.parametrize("method, path", [("PUT", LOGIN), ("DELETE", "/api/v1/videos"), ("POST", ME),
                                          ("TRACE", "/api/v1/videos")])
def test_wrong_methods_are_json_405_with_allow(client, method, path):
    response = client.open(path, method=method)
    assert_error(response, 405)
    assert response.headers["Allow"]


@pytest.mark.parametrize("method, path, needs_token", [("POST", "/api/v1/users", True),
                                                       ("POST", "/api/v1/videos", True),
                                                       ("POST", LOGIN, False)])
def test_a_too_big_json_body_is_413_naming_the_json_limit_not_the_upload_limit(
        client, admin_headers, method, path, needs_token):
    body = '{"title": "' + "a" * 1_100_000 + '"}'
    response = json_call(client, method, path, body, admin_headers if needs_token else None)
    error = assert_error(response, 413)
    assert "JSON bodies are limited to 1 MB" in error["message"] and "file" not in error["message"]


# ---- tokens die with their session ---------------------------------------------------------

def login(client, email):
    response = client.post(LOGIN, json={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 200
    return response.get_json()


def playback_url(client, access_token, video):
    response = client.post(f"/api/v1/videos/{video.id}/playback-url", headers=auth(access_token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["url"].replace("http://localhost", "")


def test_logout_ends_the_access_tokens_and_playback_urls_of_that_session_only(client, admin, clip):
    ended, kept = login(client, admin.email), login(client, admin.email)
    ended_url = playback_url(client, ended["access_token"], clip)
    kept_url = playback_url(client, kept["access_token"], clip)

    assert client.post(LOGOUT, json={"refresh_token": ended["refresh_token"]}).status_code == 204

    assert_error(client.get(ME, headers=auth(ended["access_token"])), 401, "invalid_token")
    assert_error(client.post(f"/api/v1/videos/{clip.id}/playback-url", headers=auth(ended["access_token"])), 401)
    assert client.get(ended_url).status_code == 401
    assert client.get(ME, headers=auth(kept["access_token"])).status_code == 200
    assert client.get(kept_url).status_code == 200


def test_refresh_token_reuse_ends_every_token_descended_from_that_login(client, admin, clip):
    first = login(client, admin.email)
    other = login(client, admin.email)
    second = client.post(REFRESH, json={"refresh_token": first["refresh_token"]}).get_json()
    url = playback_url(client, second["access_token"], clip)
    assert client.get(ME, headers=auth(second["access_token"])).status_code == 200

    assert_error(client.post(REFRESH, json={"refresh_token": first["refresh_token"]}), 401, "refresh_token_reused")

    for token in (first["access_token"], second["access_token"]):
        assert_error(client.get(ME, headers=auth(token)), 401)
    assert client.get(url).status_code == 401
    assert_error(client.post(REFRESH, json={"refresh_token": second["refresh_token"]}), 401)
    assert client.get(ME, headers=auth(other["access_token"])).status_code == 200


def test_a_token_without_a_session_claim_is_refused(client, admin, app):
    from flask_jwt_extended import create_access_token

    token = create_access_token(identity=str(admin.id), additional_claims={"sv": admin.session_version})
    assert_error(client.get(ME, headers=auth(token)), 401, "invalid_token")


# ---- nothing cacheable ---------------------------------------------------------------------

def test_token_answers_are_never_stored(client, admin):
    pair = login(client, admin.email)
    refreshed = client.post(REFRESH, json={"refresh_token": pair["refresh_token"]})
    failed = client.post(LOGIN, json={"email": admin.email, "password": "wrong-password-123"})
    logged_in = client.post(LOGIN, json={"email": admin.email, "password": factories.PASSWORD})
    for response in (logged_in, refreshed, failed):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Pragma"] == "no-cache"


@pytest.mark.parametrize("path", [ME, "/api/v1/users", "/api/v1/users/{admin}", "/api/v1/users/{admin}/sessions",
                                  "/api/v1/audit-events", "/api/v1/videos", "/api/v1/corporations/{corporation}",
                                  "/api/v1/nothing-here"])
def test_personal_api_answers_are_not_stored(client, admin, admin_headers, path):
    response = client.get(path.format(admin=admin.id, corporation=admin.corporation_id), headers=admin_headers)
    assert "no-store" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


# ---- API sign-up shares the page's limits ------------------------------------------------------

def signup_limits(per_ip, overall):
    return pytest.mark.parametrize(
        "app_config", [{"SIGNUP_RATE_LIMIT": per_ip, "SIGNUP_RATE_LIMIT_GLOBAL": overall}], indirect=True)


def api_sign_up(client, number, ip="198.51.100.1"):
    return client.post("/api/v1/corporations", environ_base={"REMOTE_ADDR": ip}, json={
        "name": f"Company {number}", "admin_email": f"a{number}@x.example.com",
        "admin_password": "a-good-long-password"})


def page_sign_up(client, number, ip="198.51.100.1"):
    return post_form(client, "/signup", {"name": f"Company {number}", "email": f"a{number}@x.example.com",
                                         "password": "a-good-long-password", "confirm": "a-good-long-password"},
                     page="/signup", environ_base={"REMOTE_ADDR": ip})


@signup_limits("2 per hour", "100 per hour")
def test_api_sign_up_is_limited_per_ip_together_with_the_page(app, client):
    assert page_sign_up(app.test_client(), 1).status_code == 200
    assert api_sign_up(client, 2).status_code == 202
    error = assert_error(api_sign_up(client, 3), 429)
    assert "Too many attempts" in error["message"]
    assert int(api_sign_up(client, 3).headers["Retry-After"]) >= 1
    assert page_sign_up(app.test_client(), 4).status_code == 429
    assert api_sign_up(client, 5, ip="198.51.100.2").status_code == 202


@signup_limits("2 per hour", "3 per hour")
def test_sign_up_has_a_global_limit_whatever_the_address(app, client):
    assert api_sign_up(client, 1, ip="198.51.100.1").status_code == 202
    assert page_sign_up(app.test_client(), 2, ip="198.51.100.2").status_code == 200
    assert api_sign_up(client, 3, ip="198.51.100.3").status_code == 202
    assert_error(api_sign_up(client, 4, ip="198.51.100.4"), 429)
    assert page_sign_up(app.test_client(), 5, ip="198.51.100.5").status_code == 429
