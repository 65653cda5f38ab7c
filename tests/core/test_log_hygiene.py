"""Error pages and logs never reveal stack traces, SQL, passwords, password hashes or tokens."""
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from config import TestingConfig
from tests.conftest import REDIS_URL
from tests.factories import PASSWORD
from tests.support.helpers import CSRF_RE, assert_security_headers, post_form
from tests.support.processes import free_port
from tests.support.signup import confirm_sign_up_of
from webapp import create_app
from webapp.accounts.membership import change_own_password
from webapp.core.extensions import db
from webapp.models import User

ROOT = Path(__file__).resolve().parents[2]
SIGNUP_PASSWORD = "signup-secret-Quokka-1"
WRONG_PASSWORD = "wrong-secret-Wombat-2"
NEW_PASSWORD = "changed-secret-Numbat-3"
QUERY_TOKEN = "query-token-Bilby-4"


def secrets_in(text, secrets):
    return [secret for secret in secrets if secret and secret in text]


def hash_parts(password_hash):
    """The stored hash and its salt and digest on their own."""
    return [password_hash, *password_hash.split("$")[1:]]


def broken_database_app(app_config):
    """The app pointed at a database that does not exist: every query fails for real."""
    missing = make_url(app_config["SQLALCHEMY_DATABASE_URI"]).set(database="reelhouse_no_such_database")
    return create_app(TestingConfig, {**app_config, "PROPAGATE_EXCEPTIONS": False,
                                      "SQLALCHEMY_DATABASE_URI": missing.render_as_string(hide_password=False)})


def test_a_500_page_shows_no_traceback_sql_or_details(app_config):
    client = broken_database_app(app_config).test_client()
    response = post_form(client, "/login", {"email": "boss@initech.example.com", "password": PASSWORD})
    assert response.status_code == 500
    assert_security_headers(response)
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    for leak in ("Traceback", "psycopg2", "OperationalError", "reelhouse_no_such_database", "SELECT",
                 "users.password_hash", PASSWORD, 'File "'):
        assert leak not in page
    api = client.get("/readyz")  # reports, never explains
    assert api.status_code == 503 and "reelhouse_no_such_database" not in api.get_data(as_text=True)


def test_a_failed_statement_never_carries_row_values(app, admin):
    twin = User(corporation_id=admin.corporation_id, email=admin.email, role="guest")
    twin.set_password("twin-secret-Dingo-5")
    db.session.add(twin)
    with pytest.raises(IntegrityError) as error:
        db.session.flush()
    db.session.rollback()
    assert "INSERT INTO users" in str(error.value)  # the statement, for the operator
    assert not secrets_in(str(error.value), hash_parts(twin.password_hash))


def test_the_logs_of_a_representative_run_reveal_no_secrets(app, app_config, client, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "2 per minute"
    email = "gavin@hooli.example.com"
    post_form(client, "/signup", {"name": "Hooli", "email": email, "password": SIGNUP_PASSWORD,
                                  "confirm": SIGNUP_PASSWORD}, page="/signup")
    session_cookie = client.get_cookie("session").value
    post_form(client, "/logout", page="/")
    for password in (WRONG_PASSWORD, WRONG_PASSWORD, SIGNUP_PASSWORD):  # the third one is throttled
        post_form(client, "/login", {"email": email, "password": password})
    user = db.session.scalar(select(User).filter_by(email=email))
    old_hash = user.password_hash
    change_own_password(user, SIGNUP_PASSWORD, NEW_PASSWORD)
    post_form(broken_database_app(app_config).test_client(), "/login", {"email": email, "password": NEW_PASSWORD})
    logs = caplog.text + "".join(capfd.readouterr())
    assert "429" in logs or "exceeded" in logs  # the run was really logged
    assert "Exception on /login [POST]" in logs
    secrets = [SIGNUP_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, PASSWORD, session_cookie,
               *hash_parts(old_hash), *hash_parts(db.session.get(User, user.id).password_hash)]
    assert secrets_in(logs, secrets) == []


def csrf(session, url):
    return CSRF_RE.search(session.get(url).text).group(1)


@pytest.mark.slow
def test_gunicorn_output_reveals_no_secrets(app, database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "s" * 48, "DATABASE_URL": database_url,
           "REDIS_URL": REDIS_URL, "SESSION_COOKIE_SECURE": "0", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "WEB_WORKERS": "1", "WEB_THREADS": "2", "MEDIA_ROOT": str(tmp_path / "media"),
           "INSTANCE_PATH": str(tmp_path),
           "GUNICORN_ACCESS_LOG": "-"}  # off by default in production: switched on to check what it writes
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "wsgi:app", "-c", "gunicorn.conf.py"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(base + "/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        browser = requests.Session()
        email = "gavin@hooli.example.com"
        browser.post(base + "/signup", data={"csrf_token": csrf(browser, base + "/signup"), "name": "Hooli",
                                             "email": email, "password": SIGNUP_PASSWORD,
                                             "confirm": SIGNUP_PASSWORD})
        confirm_sign_up_of(email)  # as the mailed link would
        cookie = browser.cookies.get("session")
        browser.post(base + "/logout", data={"csrf_token": csrf(browser, base + "/")})
        for password in (WRONG_PASSWORD, SIGNUP_PASSWORD):
            response = browser.post(base + "/login", data={"csrf_token": csrf(browser, base + "/login"),
                                                           "email": email, "password": password})
        assert email in response.text  # logged in
        browser.get(base + f"/login?next=/&token={QUERY_TOKEN}")
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=20)[0]
    password_hash = db.session.scalar(select(User.password_hash).filter_by(email=email))
    assert re.search(r'"POST /login HTTP/1.1" (status=)?401', output), output  # access log really written
    assert "GET /login HTTP/1.1" in output
    assert secrets_in(output, [SIGNUP_PASSWORD, WRONG_PASSWORD, QUERY_TOKEN, cookie, *hash_parts(password_hash)]) == []
