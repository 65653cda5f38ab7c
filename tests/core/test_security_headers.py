"""Every response carries the security headers; proxies are believed only when configured."""
import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from config import BASE_DIR, TestingConfig
from tests.support.helpers import assert_security_headers, post_form
from webapp import create_app
from webapp.core.extensions import db
from webapp.core.security import STREAM_CONTENT_SECURITY_POLICY
from webapp.models import AuditEvent

EXPECTED_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "media-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                "frame-ancestors 'none'")
# Routes with a policy of their own, with the reason. None is looser: even Swagger UI at /docs runs
# under the strict one (tests/e2e/test_csp.py). Video bytes get a stricter one: opened as a page,
# they may do nothing at all (tests/test_stream_answers.py).
OWN_POLICY = {"player.stream": STREAM_CONTENT_SECURITY_POLICY}


PLACEHOLDER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def get_rules():
    """The app's GET routes, read from a throwaway app at collection time."""
    app = create_app(TestingConfig, {"MEDIA_ROOT": tempfile.mkdtemp(), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted({(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules() if "GET" in rule.methods})


@pytest.mark.parametrize("rule, endpoint", get_rules())
def test_every_get_route_sends_the_security_headers(admin_client, url_values, rule, endpoint):
    url = PLACEHOLDER.sub(lambda match: str(url_values.get(match.group(1), 1)), rule)
    response = admin_client.get(url)
    response.close()
    assert response.status_code < 500, url
    assert_security_headers(response, csp=endpoint not in OWN_POLICY)
    assert response.headers["Content-Security-Policy"] == OWN_POLICY.get(endpoint, EXPECTED_CSP)


@pytest.mark.parametrize("method, path, status", [
    ("get", "/no/such/page", 404),
    ("delete", "/login", 405),
    ("get", "/api/v1/no-such-thing", 404),
])
def test_error_pages_send_the_security_headers(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_anonymous_pages_send_the_security_headers(client):
    for path in ("/", "/login", "/signup", "/activity"):
        assert_security_headers(client.get(path))


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://reelhouse.example")
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_is_served_unless_https_is_forced(app_config, client):
    assert client.get("/login").status_code == 200
    forced = create_app(TestingConfig, {**app_config, "FORCE_HTTPS": True}).test_client()
    response = forced.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://")


def sign_up_from(client, headers):
    return post_form(client, "/signup", {"name": "Hooli", "email": "gavin@hooli.example.com",
                                         "password": "a-good-long-password",
                                         "confirm": "a-good-long-password"}, page="/signup", headers=headers)


# As a TLS-terminating proxy would send them (HTTPS form posts carry a same-site Referer).
FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
             "Referer": "https://localhost/signup"}


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(client):
    assert "Strict-Transport-Security" not in client.get("/login", headers=FORWARDED).headers
    assert sign_up_from(client, FORWARDED).status_code == 200
    event = db.session.scalars(select(AuditEvent).filter_by(action="corporation.created")).one()
    assert event.ip == "127.0.0.1"


def test_a_trusted_proxy_gives_the_client_address_and_scheme(app_config, request):
    app_config["TRUSTED_PROXY_COUNT"] = 1
    client = request.getfixturevalue("client")
    assert client.get("/login", headers=FORWARDED).headers["Strict-Transport-Security"]
    assert sign_up_from(client, FORWARDED).status_code == 200
    event = db.session.scalars(select(AuditEvent).filter_by(action="corporation.created")).one()
    assert event.ip == "203.0.113.9"


def test_media_root_inside_static_is_refused(app_config):
    for inside in (BASE_DIR / "static", BASE_DIR / "static" / "media"):
        with pytest.raises(RuntimeError, match="MEDIA_ROOT must be outside the static folder"):
            create_app(TestingConfig, {**app_config, "MEDIA_ROOT": str(inside)})


def test_the_default_media_root_is_outside_static(monkeypatch):
    monkeypatch.delenv("MEDIA_ROOT", raising=False)
    media = Path(TestingConfig().MEDIA_ROOT).resolve()
    assert (BASE_DIR / "static").resolve() not in media.parents
