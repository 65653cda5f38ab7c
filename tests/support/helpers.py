"""Helpers for driving the app through the Flask test client with CSRF on."""
import re

from tests.factories import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, page="/login"):
    """A valid CSRF token for this client's session, read from a rendered form."""
    response = client.get(page)
    if response.status_code in (301, 302, 303) and response.location.startswith("/"):
        response = client.get(response.location)  # a guest's home page is their Library
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {page} (status {response.status_code})"
    return match.group(1)


def post_form(client, url, data=None, page=None, **kwargs):
    """POST a form the way a browser would: with the token from `page` (default: a page with a form)."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, page or "/login"))
    return client.post(url, data=data, **kwargs)


def assert_security_headers(response, csp=True):
    """The headers every response must carry (served over plain HTTP, so no HSTS); csp=False leaves
    the Content-Security-Policy to the caller."""
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS
    if not csp:
        return
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp


def logged_in_session(user) -> dict:
    """What Flask-Login keeps in the session of a browser where `user` logged in."""
    return {"_user_id": user.get_id(), "_fresh": True}


def log_in(client, user):
    """Log a test client in as `user` (the one way tests do it; the login form has its own tests)."""
    with client.session_transaction() as session:
        session.update(logged_in_session(user))
    return client


def session_cookie(app, user):
    """The signed session cookie a browser holds after `user` logged in (for real-HTTP clients)."""
    serializer = app.session_interface.get_signing_serializer(app)
    return {app.config["SESSION_COOKIE_NAME"]: serializer.dumps(logged_in_session(user))}


def post_login_form(client, email, password=PASSWORD, next_url=None, ip=None, **kwargs):
    """Submit the login form as a browser would (optionally from client address `ip`)."""
    url = f"/login?next={next_url}" if next_url else "/login"
    if ip:
        kwargs["environ_base"] = {"REMOTE_ADDR": ip}
    return post_form(client, url, {"email": email, "password": password}, **kwargs)


def points_of(user):
    """The user's points as the database has them now."""
    from webapp.core.extensions import db
    from webapp.models import User

    db.session.expire_all()
    return db.session.get(User, user.id).points


def api_session(user) -> tuple[str, str]:
    """An access token of a new API session of `user`, and that session's id (its token family)."""
    from flask_jwt_extended import decode_token

    from webapp.accounts.sessions.tokens import open_session
    from webapp.core.extensions import db

    token = open_session(user)["access_token"]
    db.session.commit()
    return token, decode_token(token)["fam"]
