"""A form sent after the session ended is not lost: it is kept (no passwords, no files), the person
logs in again and comes back to the form filled in, instead of a bare CSRF error page."""
import re
import time

import pytest

from tests.support.helpers import csrf_token, log_in, post_login_form


@pytest.fixture
def expired(app, client, admin):
    """A browser whose admin session ended while a form was open (idle time out), and the token of that form."""
    app.config["SESSION_IDLE_MINUTES"] = 30
    post_login_form(client, admin.email)
    token = csrf_token(client, "/members/new")
    with client.session_transaction() as session:
        session["_last_seen"] -= 31 * 60
    return token


def test_a_form_sent_after_the_session_ended_comes_back_filled_in_after_logging_in(client, admin, expired):
    response = client.post("/members/new", data={"csrf_token": expired, "email": "new.hire@initech.example.com",
                                                 "role": "admin", "password": "a-secret-password"})
    assert response.status_code == 303
    assert response.location == "/login?next=/members/new"
    login_page = client.get(response.location).get_data(as_text=True)
    assert "Your session had ended, so the form was not sent." in login_page
    assert "CSRF" not in login_page
    response = post_login_form(client, admin.email, next_url="/members/new")
    assert response.location == "/members/new"
    page = client.get("/members/new").get_data(as_text=True)
    assert 'value="new.hire@initech.example.com"' in page
    assert '<option selected value="admin">' in page
    assert "a-secret-password" not in page  # passwords are never kept
    again = client.get("/members/new").get_data(as_text=True)
    assert "new.hire@initech.example.com" not in again  # shown once


def test_a_form_left_open_too_long_while_logged_in_comes_back_filled_in(app, client, admin):
    log_in(client, admin)
    token = csrf_token(client, "/videos/new")
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    time.sleep(2.1)  # CSRF token ages are counted in whole seconds
    response = client.post("/videos/new", data={"csrf_token": token, "title": "Fire drill",
                                                "source_url": "https://example.com/a.mp4"})
    assert response.status_code == 303 and response.location == "/videos/new"
    page = client.get("/videos/new").get_data(as_text=True)
    assert "The page had been open too long, so the form was not sent." in page
    assert 'value="Fire drill"' in page and 'value="https://example.com/a.mp4"' in page


def test_other_csrf_failures_still_explain_themselves(client, admin):
    log_in(client, admin)
    csrf_token(client, "/members/new")
    response = client.post("/members/new", data={"csrf_token": "forged", "email": "x@initech.example.com"})
    assert response.status_code == 400
    assert "The CSRF token is invalid." in response.get_data(as_text=True)


def test_a_form_of_the_plan_page_comes_back_filled_in_and_only_that_one(client, admin, expired):
    response = client.post("/plan/rename", data={"csrf_token": expired, "name": "Initrode"},
                           headers={"Referer": "http://localhost/plan/"})
    assert response.status_code == 303 and response.location == "/login?next=/plan/"
    post_login_form(client, admin.email, next_url="/plan/")
    page = client.get("/plan/").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="name"[^>]*value="Initrode"', page)
    assert "Initrode" not in client.get("/plan/").get_data(as_text=True)  # shown once
