"""The Activity page: an admin's own corporation's audit log, filterable, paginated, never another tenant's."""
from datetime import UTC, datetime

from tests.factories import make_audit_event, make_user
from tests.support.pages import shown_moment, table_rows


def when(*parts):
    """A UTC moment as a table cell shows it (spaces collapsed like rows() does)."""
    return " ".join(shown_moment(datetime(*parts, tzinfo=UTC)).split())


def test_admins_see_who_did_what_to_what_when_and_from_where(admin_client, audit_history, guest, admin):
    response = admin_client.get("/activity")
    assert response.status_code == 200
    assert table_rows(response) == [
        [when(2026, 3, 9, 12, 0), guest.email, "Sessions logged out", f"Member “{guest.email}” (#{guest.id})", "",
         "198.51.100.7"],
        [when(2026, 3, 5, 0, 5), "System", "Plan expired", f"Company “Initech” (#{admin.corporation_id})",
         "expired on 2026-03-04", ""],
        [when(2026, 3, 1, 9, 30), admin.email, "Member added", f"Member “{guest.email}” (#{guest.id})", "",
         "198.51.100.7"],
    ]


def test_another_corporations_events_are_never_shown(admin_client, audit_history, other_admin):
    page = admin_client.get("/activity").get_data(as_text=True)
    assert "Umbrella secret" not in page and other_admin.email not in page


FILTERS = [
    ("member={guest}", ["Sessions logged out"]),
    ("member=system", ["Plan expired"]),
    ("action=member.added", ["Member added"]),
    ("date_from=2026-03-05&date_to=2026-03-05", ["Plan expired"]),
    ("date_from=2026-03-02", ["Sessions logged out", "Plan expired"]),
    ("date_to=2026-03-01", ["Member added"]),
    ("member={guest}&action=member.added", []),
    ("date_from=0001-01-01&date_to=9999-12-31", ["Sessions logged out", "Plan expired", "Member added"]),
    ("action=video.trashed", []),
]


def test_filters(admin_client, audit_history, guest):
    for query, expected in FILTERS:
        response = admin_client.get("/activity?" + query.format(guest=guest.id))
        assert response.status_code == 200, query
        assert [row[2] for row in table_rows(response)] == expected, query


def test_filtering_by_another_tenants_member_shows_nothing(admin_client, audit_history, other_admin):
    response = admin_client.get(f"/activity?member={other_admin.id}")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert table_rows(response) == []


BAD_FILTERS = [
    ("date_from=2026-13-45", "Not a valid date value"),
    ("date_from=2026-03-09&date_to=2026-03-01", "The end date is before the start date."),
    ("action=drop.tables", "Not a valid choice"),
    ("member=abc", "Not a valid choice"),
]


def test_bad_filters_get_a_clear_message(admin_client, audit_history):
    for query, message in BAD_FILTERS:
        response = admin_client.get("/activity?" + query)
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True), query
        assert table_rows(response) == [], query


def test_pages_of_events_keep_the_filters(app, admin_client, admin, guest):
    app.config["PER_PAGE"] = 2
    for day in range(1, 6):
        make_audit_event(admin.corporation, admin, "video.added", when=datetime(2026, 4, day, tzinfo=UTC),
                         title=f"Clip {day}")
    make_audit_event(admin.corporation, guest, "sessions.revoked", guest)
    first = admin_client.get(f"/activity?member={admin.id}")
    assert [row[0].split(",")[0] for row in table_rows(first)] == ["April 5", "April 4"]
    assert f"member={admin.id}" in first.get_data(as_text=True).split('class="pagination"')[1]
    third = admin_client.get(f"/activity?member={admin.id}&page=3")
    assert [row[0].split(",")[0] for row in table_rows(third)] == ["April 1"]
    assert "Page 3 of 3" in third.get_data(as_text=True)


def test_a_removed_members_events_stay_visible_and_filterable(admin_client, admin):
    gone = make_user(admin.corporation, email="gone@initech.example.com", deleted_at=datetime.now(UTC))
    make_audit_event(admin.corporation, gone, "video.added", title="Left behind")
    response = admin_client.get(f"/activity?member={gone.id}")
    assert "gone@initech.example.com (removed)" in response.get_data(as_text=True)
    assert [row[1:3] for row in table_rows(response)] == [["gone@initech.example.com", "Video added"]]


def test_guests_may_not_see_the_activity(guest_client, audit_history):
    assert guest_client.get("/activity").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/activity")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_nav_shows_activity_to_admins_only(admin_client, guest_client):
    assert 'href="/activity"' in admin_client.get("/").get_data(as_text=True)
    assert 'href="/activity"' not in guest_client.get("/").get_data(as_text=True)
