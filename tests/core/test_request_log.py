"""Request ids and the one-line structured request log."""
import re

import pytest


def test_a_valid_incoming_request_id_is_echoed_and_logged(client, request_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-42.a_b-c"})
    assert response.headers["X-Request-ID"] == "edge-42.a_b-c"
    [line] = request_lines()
    assert line["request_id"] == "edge-42.a_b-c"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/healthz", 200, None)
    assert line["duration_ms"] >= 0


@pytest.mark.parametrize("supplied", [None, "", "short", "x" * 129, "bad id with spaces", "evil\u2028line"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_fresh_one(client, request_lines, supplied):
    headers = {"X-Request-ID": supplied} if supplied is not None else {}
    first = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    second = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second
    assert [line["request_id"] for line in request_lines()] == [first, second]


def test_the_log_line_names_the_logged_in_user(admin_client, admin, request_lines):
    admin_client.get("/")
    [line] = request_lines()
    assert line["user_id"] == admin.id
    assert line["path"] == "/"


def test_errors_are_logged_with_their_status(client, request_lines):
    response = client.post("/login", data={"email": "a@b.example.com"})  # no CSRF token
    assert response.status_code == 400
    assert response.headers["X-Request-ID"]
    client.get("/no-such-page")
    assert [(line["method"], line["path"], line["status"]) for line in request_lines()] == [
        ("POST", "/login", 400), ("GET", "/no-such-page", 404)]
