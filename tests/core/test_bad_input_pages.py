"""Bad input on the server-rendered pages: a clear 4xx or a normal page, never a 500.

Page numbers that are not numbers, ids too large for the database, NUL characters (PostgreSQL
refuses them in text), very long search strings and impossible dates all reach real PostgreSQL.
"""
import pytest

from tests.support.pages import post_page, state

HUGE = "99999999999999999999"  # beyond PostgreSQL's bigint
BIG = "99999999999"  # beyond PostgreSQL's integer

LIST_PAGES = ["/library/", "/videos/", "/members/", "/trash/", "/plan/", "/account/", "/activity",
              "/analytics/", "/analytics/members"]
PAGE_VALUES = ["abc", "-1", "0", BIG, HUGE, "1e3", ""]
SEARCH_PAGES = ["/library/", "/videos/", "/members/"]
SEARCH_VALUES = ["x" * 10000, "nul%00byte", "%25_%5C", "%ED%A0%80%FF"]  # as sent, percent-encoded
ID_PATHS = [("GET", "/watch/{id}"), ("GET", "/watch/{id}/status"), ("GET", "/videos/{id}/stream"),
            ("GET", "/videos/{id}/edit"), ("POST", "/videos/{id}/edit"), ("POST", "/videos/{id}/delete"),
            ("POST", "/members/{id}/role"), ("GET", "/members/{id}/password"),
            ("POST", "/members/{id}/password"), ("POST", "/members/{id}/remove"),
            ("POST", "/trash/{id}/restore"), ("POST", "/trash/{id}/purge")]
ACTIVITY_QUERIES = ["member=abc", f"member={BIG}", f"member={HUGE}", "member=-1", "member=nul%00",
                    "action=nope", "action=%00", "date_from=2026-02-30", "date_from=abc",
                    "date_from=0001-01-01", "date_to=9999-12-31", "date_from=9999-12-31&date_to=9999-12-31",
                    "date_from=%00", "page=abc&member=system"]
NUL = "bad\x00value"
# (path, form data): every text field of every form given a NUL character.
NUL_FORMS = [
    ("/videos/new", {"title": NUL, "source_url": "https://example.com/a.mp4"}),
    ("/videos/new", {"title": "Fine", "source_url": "https://example.com/a\x00.mp4"}),
    ("/videos/{video}/edit", {"title": NUL, "source_url": "https://example.com/a.mp4"}),
    ("/members/new", {"email": "a\x00@initech.example.com", "role": "guest", "password": "a-long-password-1"}),
    ("/members/new", {"email": "new@initech.example.com", "role": "gu\x00est", "password": "a-long-password-1"}),
    ("/members/new", {"email": "new@initech.example.com", "role": "guest", "password": "a-long-\x00password"}),
    ("/members/{member}/password", {"password": "a-long-\x00password", "confirm": "a-long-\x00password"}),
    ("/members/{member}/role", {"m{member}-role": "ad\x00min"}),
    ("/plan/rename", {"name": NUL}),
    ("/plan/upgrade", {"plan_expires_at": "2030-01-01\x00"}),
    ("/account/password", {"current_password": NUL, "new_password": "x\x00" * 10, "confirm": "x\x00" * 10}),
]
LONG = "x" * 5000
# (path, form data): each text field far longer than its column.
LONG_FORMS = [
    ("/videos/new", {"title": LONG, "source_url": "https://example.com/a.mp4"}),
    ("/videos/new", {"title": "Fine", "source_url": "https://example.com/" + LONG}),
    ("/videos/{video}/edit", {"title": LONG, "source_url": "https://example.com/a.mp4"}),
    ("/videos/{video}/edit", {"title": "Fine", "source_url": "https://example.com/" + LONG}),
    ("/members/new", {"email": LONG + "@initech.example.com", "role": "guest", "password": "a-long-password-1"}),
    ("/members/new", {"email": "new@initech.example.com", "role": "guest", "password": LONG}),
    ("/members/{member}/password", {"password": LONG, "confirm": LONG}),
    ("/plan/rename", {"name": LONG}),
    ("/account/password", {"current_password": LONG, "new_password": LONG, "confirm": LONG}),
]
BAD_DATES = ["2026-02-30", "abc", "99999-01-01", "0001-01-01", "9999-12-31", "", "2030-1-1",
             "-2030-01-01", "1" * 50]


def assert_handled(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("value", PAGE_VALUES)
@pytest.mark.parametrize("path", LIST_PAGES)
def test_any_page_number_shows_a_page(admin_client, ids, path, value):
    assert_handled(admin_client.get(path, query_string={"page": value}))


@pytest.mark.parametrize("value", SEARCH_VALUES, ids=["long", "nul", "wildcards", "surrogate"])
@pytest.mark.parametrize("path", SEARCH_PAGES)
def test_any_search_string_shows_a_page(admin_client, ids, path, value):
    assert_handled(admin_client.get(f"{path}?q={value}"))


@pytest.mark.parametrize("value", [BIG, HUGE, "2147483648", "0", "-1", "abc", "1.5"])
@pytest.mark.parametrize(("method", "path"), ID_PATHS, ids=[f"{m} {p}" for m, p in ID_PATHS])
def test_ids_that_cannot_exist_are_404(admin_client, ids, method, path, value):
    before = state()
    url = path.format(id=value)
    response = admin_client.get(url) if method == "GET" else post_page(admin_client, url, {})
    assert response.status_code == 404
    assert "There is nothing here." in response.get_data(as_text=True)
    assert state() == before


@pytest.mark.parametrize("query", ACTIVITY_QUERIES)
def test_any_activity_filter_shows_a_page(admin_client, ids, query):
    assert_handled(admin_client.get(f"/activity?{query}"))


@pytest.mark.parametrize(("path", "data"), NUL_FORMS, ids=[f"{p} {sorted(d)}" for p, d in NUL_FORMS])
def test_nul_characters_in_forms_are_refused_without_changes(admin_client, ids, path, data):
    before = state()
    url = path.format(**ids)
    data = {key.format(**ids): value for key, value in data.items()}
    response = post_page(admin_client, url, data)
    assert response.status_code == 400
    assert "must not contain NUL characters" in response.get_data(as_text=True)
    assert state() == before


@pytest.mark.parametrize(("path", "data"), LONG_FORMS, ids=[f"{p} {sorted(d)}" for p, d in LONG_FORMS])
def test_overlong_form_fields_are_refused_without_changes(admin_client, ids, path, data):
    before = state()
    response = post_page(admin_client, path.format(**ids), data)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:2000]
    assert state() == before


@pytest.mark.parametrize("value", BAD_DATES)
def test_impossible_plan_dates_are_refused(admin_client, ids, value):
    before = state()
    response = post_page(admin_client, "/plan/upgrade", {"plan_expires_at": value})
    assert_handled(response)
    if value not in ("9999-12-31", "2030-1-1"):
        assert response.status_code == 400
        assert state() == before


@pytest.mark.parametrize(("path", "data"), [
    ("/login", {"email": "a\x00@example.com", "password": "whatever"}),
    ("/login", {"email": "a@example.com", "password": "what\x00ever"}),
    ("/login", {"email": "x" * 10000 + "@example.com", "password": "whatever"}),
    ("/signup", {"name": NUL, "email": "boss@acme.example.com", "password": "a-long-password-1",
                 "confirm": "a-long-password-1"}),
    ("/signup", {"name": "x" * 5000, "email": "boss@acme.example.com", "password": "a-long-password-1",
                 "confirm": "a-long-password-1"}),
    ("/signup", {"name": "Acme", "email": "bo\x00ss@acme.example.com", "password": "a-long-password-1",
                 "confirm": "a-long-password-1"}),
])
def test_anonymous_forms_refuse_bad_text_clearly(client, path, data):
    response = post_page(client, path, data, logged_in=False)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("query", ["next=%00", "next=" + "x" * 5000])
def test_login_page_with_odd_next_parameter(client, query):
    assert_handled(client.get(f"/login?{query}"))
