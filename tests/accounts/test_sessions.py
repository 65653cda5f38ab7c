"""Browser sessions: cookie flags, a fresh session at login, idle timeout, logging out other sessions."""
import time
from datetime import timedelta

from sqlalchemy import func, select

from tests.support.helpers import post_form, post_login_form
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import AuditEvent, User
from webapp.models_sessions import RefreshToken


def session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def logged_in_as(client, user):
    return user.email in client.get("/").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client, admin):
    response = post_login_form(client, admin.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in development and tests


def test_session_cookie_is_secure_when_configured_as_in_production(app_config, request):
    app_config["SESSION_COOKIE_SECURE"] = True
    client = request.getfixturevalue("client")
    admin = request.getfixturevalue("admin")
    headers = {"Referer": "https://localhost/login"}
    response = post_login_form(client, admin.email, base_url="https://localhost", headers=headers)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_issues_a_new_session_and_the_old_one_stays_anonymous(client, admin):
    client.get("/login")
    before = session_cookie(client)
    assert before
    post_login_form(client, admin.email)
    after = session_cookie(client)
    assert after != before
    assert logged_in_as(client, admin)
    client.set_cookie("session", before)  # an attacker who planted the pre-login cookie
    assert not logged_in_as(client, admin)


def test_logout_clears_the_session_and_a_copy_of_its_cookie_stops_working(client, admin):
    post_login_form(client, admin.email)
    copied = session_cookie(client)
    post_form(client, "/logout", page="/")
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert not logged_in_as(client, admin)
    client.set_cookie("session", copied)  # e.g. taken from the browser before logging out
    assert not logged_in_as(client, admin)


def rewind_last_seen(client, seconds):
    with client.session_transaction() as session:
        session["_last_seen"] -= seconds


def test_an_idle_session_ends_and_says_why(app, client, admin):
    app.config["SESSION_IDLE_MINUTES"] = 30
    post_login_form(client, admin.email)
    rewind_last_seen(client, 29 * 60)
    assert logged_in_as(client, admin)  # used again within the limit: the clock restarts
    rewind_last_seen(client, 31 * 60)
    response = client.get("/account/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "logged out after 30 minutes without activity" in page
    assert not logged_in_as(client, admin)


def test_the_idle_clock_moves_once_a_minute_not_with_every_request(app, client, admin):
    """Pages within a minute of the idle clock send no new cookie (nothing to sign and send back);
    once it is a minute behind, the next page moves it to now."""
    app.config["SESSION_IDLE_MINUTES"] = 30
    post_login_form(client, admin.email)
    client.get("/")  # the first page may add to the session (its forms' CSRF token)
    assert client.get("/").headers.getlist("Set-Cookie") == []
    rewind_last_seen(client, 61)
    assert client.get("/").headers.getlist("Set-Cookie")
    with client.session_transaction() as session:
        assert time.time() - 5 <= session["_last_seen"] <= time.time()


def test_the_login_cookie_itself_carries_the_idle_clock(app, client, admin):
    app.config["SESSION_IDLE_MINUTES"] = 30
    post_login_form(client, admin.email)  # the cookie of the login response, before any other request
    with client.session_transaction() as session:
        assert time.time() - 5 <= session["_last_seen"] <= time.time()
        session["_last_seen"] -= 31 * 60
    assert not logged_in_as(client, admin)


def test_a_session_in_constant_use_still_ends_after_its_lifetime(app, client, admin):
    post_login_form(client, admin.email)
    with client.session_transaction() as session:
        session["_started"] -= int(app.permanent_session_lifetime.total_seconds()) + 60
    assert not logged_in_as(client, admin)


def test_log_out_other_sessions(app, admin):
    here, elsewhere = app.test_client(), app.test_client()
    post_login_form(here, admin.email)
    post_login_form(elsewhere, admin.email)
    db.session.add(RefreshToken(user_id=admin.id, token_hash="h" * 64, expires_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    response = post_form(here, "/sessions/log-out-others", page="/account/")
    assert response.status_code == 302
    assert "other sessions have been logged out" in here.get(response.headers["Location"]).get_data(as_text=True)
    assert logged_in_as(here, admin)
    assert not logged_in_as(elsewhere, admin)
    assert db.session.scalar(select(RefreshToken.revoked_at)) is not None
    assert db.session.get(User, admin.id).session_version == 2
    events = db.session.scalars(select(AuditEvent).filter_by(action="sessions.revoked")).all()
    assert [(e.actor_id, e.target_id, e.ip) for e in events] == [(admin.id, admin.id, "127.0.0.1")]


def test_log_out_other_sessions_needs_a_login_and_a_csrf_token(client, admin):
    response = post_form(client, "/sessions/log-out-others", page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    post_login_form(client, admin.email)
    assert client.post("/sessions/log-out-others").status_code == 400
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_the_account_page_has_the_button(client, admin):
    post_login_form(client, admin.email)
    page = client.get("/account/").get_data(as_text=True)
    assert 'action="/sessions/log-out-others"' in page and "Log out other sessions" in page
