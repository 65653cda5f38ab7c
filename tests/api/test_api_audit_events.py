"""GET /api/v1/audit-events: the company's audit log for admins, with the Activity page's filters."""
import pytest

from tests import factories
from tests.api.conftest import assert_error
from webapp.accounts.membership import add_member


def test_admins_get_their_companys_events_newest_first(client, admin, guest, bearer, audit_history):
    response = client.get("/api/v1/audit-events?per_page=2", headers=bearer(admin))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 2, 3)
    first, second = body["items"]
    assert first == {
        "id": first["id"], "action": "sessions.revoked", "action_label": "Sessions logged out",
        "actor": {"id": guest.id, "email": guest.email}, "target_type": "user", "target_id": guest.id,
        "target_label": f"Member “{guest.email}” (#{guest.id})", "details": {"email": guest.email},
        "ip": "198.51.100.7", "created_at": "2026-03-09T12:00:00+00:00"}
    assert (second["action"], second["actor"], second["ip"]) == ("plan.expired", None, None)
    last = client.get("/api/v1/audit-events?per_page=2&page=2", headers=bearer(admin)).get_json()
    assert [item["action"] for item in last["items"]] == ["member.added"]


def test_an_action_through_the_api_appears_with_the_callers_address(client, admin, bearer):
    response = client.post("/api/v1/users", headers=bearer(admin), environ_base={"REMOTE_ADDR": "203.0.113.5"},
                           json={"email": "new@initech.example.com", "password": "mauve-lantern-orbit-42"})
    assert response.status_code == 202
    [item] = client.get("/api/v1/audit-events?action=member.added", headers=bearer(admin)).get_json()["items"]
    assert (item["actor"]["id"], item["ip"], item["details"]["email"]) == (admin.id, "203.0.113.5",
                                                                           "new@initech.example.com")


@pytest.mark.parametrize("query, expected", [
    ("member={guest}", ["sessions.revoked"]),
    ("member=system", ["plan.expired"]),
    ("action=member.added", ["member.added"]),
    ("date_from=2026-03-05&date_to=2026-03-05", ["plan.expired"]),
    ("date_from=2026-03-02", ["sessions.revoked", "plan.expired"]),
    ("date_to=2026-03-01", ["member.added"]),
    ("member={other}", []),  # another company's member: nothing, never their events
    ("action=video.trashed", []),
])
def test_filters(client, admin, guest, other_admin, bearer, audit_history, query, expected):
    url = "/api/v1/audit-events?" + query.format(guest=guest.id, other=other_admin.id)
    body = client.get(url, headers=bearer(admin)).get_json()
    assert [item["action"] for item in body["items"]] == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize("query, field", [
    ("action=drop.tables", "action"),
    ("member=everyone", "member"),
    ("member=99999999999", "member"),
    ("date_from=2026-02-30", "date_from"),
    ("date_from=2026-03-09&date_to=2026-03-01", "date_to"),
    ("per_page=101", "per_page"),
])
def test_bad_filters_are_a_400_naming_the_field(client, admin, bearer, query, field):
    error = assert_error(client.get("/api/v1/audit-events?" + query, headers=bearer(admin)), 400)
    assert field in error["fields"]


def test_guests_and_anonymous_callers_are_refused(client, guest, bearer, audit_history):
    assert_error(client.get("/api/v1/audit-events", headers=bearer(guest)), 403)
    assert_error(client.get("/api/v1/audit-events"), 401)


def test_another_companys_admin_sees_only_their_own(client, other_admin, bearer, audit_history):
    add_member(other_admin, "temp@umbrella.example.com", "mauve-lantern-orbit-42", "guest")
    factories.make_video(other_admin.corporation)
    body = client.get("/api/v1/audit-events", headers=bearer(other_admin)).get_json()
    assert [item["action"] for item in body["items"]] == ["member.added", "video.trashed"]


def test_documented_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/audit-events"]["get"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert {p["name"] for p in operation["parameters"]} >= {"page", "per_page", "member", "action",
                                                            "date_from", "date_to"}
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
