"""Who may use which page: a matrix over every page and action of the web app.

Anonymous visitors are sent to the login page, guests get 403 on admin pages, admins can use
everything, and an admin of another corporation gets 404 for this corporation's ids, with
nothing changed.
"""
import io
from pathlib import Path

import pytest

from tests.factories import PASSWORD, days_from_today
from tests.support.pages import CAPTIONS_VTT, post_page, post_upload, state, upload_data

NEW_PASSWORD = "another-long-password"
POSTER_PNG = (Path(__file__).resolve().parents[2] / "rest_client" / "poster.png").read_bytes()

# (method, path, admin only, form data). Paths name ids as {member}, {video}, {trashed}.
ROUTES = [
    ("GET", "/members/", True, None),
    ("GET", "/members/new", True, None),
    ("POST", "/members/new", True,
     lambda ids: {"email": "new@initech.example.com", "role": "guest", "password": PASSWORD}),
    ("POST", "/members/{member}/role", True, lambda ids: {f"m{ids['member']}-role": "admin"}),
    ("GET", "/members/{member}/password", True, None),
    ("POST", "/members/{member}/password", True,
     lambda ids: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    ("POST", "/members/{member}/remove", True, lambda ids: {"confirmed": "1"}),
    ("POST", "/members/invitations", True, lambda ids: {"email": "invited@initech.example.com", "role": "guest"}),
    ("POST", "/members/invitations/{invitation}/resend", True, lambda ids: {}),
    ("POST", "/members/invitations/{invitation}/revoke", True, lambda ids: {}),
    ("GET", "/videos/", True, None),
    ("GET", "/videos/new", True, None),
    ("POST", "/videos/new", True,
     lambda ids: {"title": "From a URL", "source_url": ids["origin_url"]}),
    ("GET", "/videos/upload", True, None),
    ("POST", "/videos/upload", True, lambda ids: upload_data()),
    ("GET", "/videos/{video}/edit", True, None),
    ("POST", "/videos/{video}/edit", True,
     lambda ids: {"title": "Renamed", "source_url": ids["origin_url"]}),
    ("POST", "/videos/{video}/delete", True, lambda ids: {}),
    ("POST", "/videos/{trashed}/undo-delete", True, lambda ids: {}),
    ("GET", "/videos/status", True, None),
    ("GET", "/videos/{video}/poster", True, None),
    ("POST", "/videos/{video}/poster/frame", True, lambda ids: {"at_seconds": "1"}),
    ("POST", "/videos/{video}/poster/image", True, lambda ids: {"file": (io.BytesIO(POSTER_PNG), "poster.png")}),
    ("GET", "/videos/{video}/captions", True, None),
    ("POST", "/videos/{video}/captions", True, lambda ids: {
        "file": (io.BytesIO(CAPTIONS_VTT.encode()), "ko.vtt"), "language": "ko", "label": "한국어"}),
    ("POST", "/videos/{video}/captions/{caption}/delete", True, lambda ids: {}),
    ("GET", "/trash/", True, None),
    ("POST", "/trash/{trashed}/restore", True, lambda ids: {}),
    ("POST", "/trash/{trashed}/purge", True, lambda ids: {"confirmed": "1"}),
    ("GET", "/plan/", True, None),
    ("POST", "/plan/upgrade", True, lambda ids: {"plan_expires_at": days_from_today(60).isoformat()}),
    ("POST", "/plan/free", True, lambda ids: {}),
    ("POST", "/plan/rename", True, lambda ids: {"name": "Initrode"}),
    ("POST", "/plan/settings", True, lambda ids: {"locale": "ko", "timezone": "Asia/Seoul"}),
    ("GET", "/library/", False, None),
    ("GET", "/account/", False, None),
    ("POST", "/account/password", False,
     lambda ids: {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    ("POST", "/account/language", False, lambda ids: {"locale": "ko"}),
]
PAGE_BLUEPRINTS = {"members", "videos", "trash", "plans", "library", "account"}
# Routes that need an object-storage bucket, so their permissions (guest 403, another company's
# ticket 404) are checked in tests/videos/test_direct_uploads.py instead of in this matrix.
NEEDS_A_BUCKET = {("POST", "/videos/upload/direct"), ("POST", "/videos/upload/direct/parts"),
                  ("POST", "/videos/upload/direct/finish")}


def route_id(route):
    return f"{route[0]} {route[1]}"


def request(client, route, ids, logged_in=True):
    method, path, _, data = route
    url = path.format(**ids)
    if method == "GET":
        return client.get(url)
    if path == "/videos/upload":
        return post_upload(client, data(ids), logged_in=logged_in)
    if path.endswith(("/poster/image", "/captions")):
        return post_page(client, url, data(ids), logged_in=logged_in, content_type="multipart/form-data")
    return post_page(client, url, data(ids), logged_in=logged_in)


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_anonymous_visitors_are_sent_to_login(client, ids, route):
    before = state()
    response = request(client, route, ids, logged_in=False)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert state() == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r[2]], ids=route_id)
def test_guests_get_403_on_admin_pages(client, login_as, guest, ids, route):
    login_as(guest)
    before = state()
    response = request(client, route, ids)
    assert response.status_code == 403
    assert "You are not allowed to do that." in response.get_data(as_text=True)
    assert state() == before


@pytest.mark.parametrize("route", [r for r in ROUTES if not r[2]], ids=route_id)
def test_guests_use_their_own_pages(client, login_as, guest, ids, route):
    login_as(guest)
    response = request(client, route, ids)
    assert response.status_code == (200 if route[0] == "GET" else 302)


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_admins_use_every_page(client, login_as, admin, ids, route):
    login_as(admin)
    before = state()
    response = request(client, route, ids)
    if route[0] == "GET":
        assert response.status_code == 200
        assert state() == before
    else:
        assert response.status_code == 302, response.get_data(as_text=True)
        assert state() != before, "the action changed nothing"


@pytest.mark.parametrize("route", [r for r in ROUTES if "{" in r[1]], ids=route_id)
def test_another_corporations_admin_gets_404_for_our_ids(client, login_as, other_admin, ids, route):
    login_as(other_admin)
    before = state()
    response = request(client, route, ids)
    assert response.status_code == 404
    assert "There is nothing here." in response.get_data(as_text=True)
    assert state() == before


def test_the_matrix_covers_every_page_route(app):
    """A new page or action cannot slip in without appearing in the matrix above."""
    covered = {(method, path) for method, path, _, _ in ROUTES}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in PAGE_BLUEPRINTS:
            path = rule.rule.replace("<int:member_id>", "{member}").replace("<int:video_id>", "{video}")
            path = path.replace("<int:invitation_id>", "{invitation}").replace("<int:caption_id>", "{caption}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                if rule.endpoint.startswith("trash.") or rule.endpoint == "videos.undo_delete":
                    path = path.replace("{video}", "{trashed}")
                routes.add((method, path))
    assert routes == covered | NEEDS_A_BUCKET


@pytest.mark.parametrize("route", [r for r in ROUTES if r[0] == "POST"], ids=route_id)
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client, login_as, admin, ids, route):
    login_as(admin)
    before = state()
    _, path, _, data = route
    response = client.post(path.format(**ids), data=data(ids))
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)
    assert state() == before
