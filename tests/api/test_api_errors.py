"""Bad input under /api always gets the JSON envelope with a 4xx, never HTML or a 500."""
import pytest

from tests.api.conftest import assert_error


def test_malformed_json_is_400(client, admin_headers):
    response = client.post("/api/v1/users", headers=admin_headers, data='{"email": ', content_type="application/json")
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize("body", ["[]", "null", "42", '"text"'])
def test_a_body_that_is_not_an_object_is_400(client, admin_headers, body):
    response = client.post("/api/v1/users", headers=admin_headers, data=body, content_type="application/json")
    assert assert_error(response, 400, "invalid_json")["fields"] == {"body": ["Send a JSON object."]}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_415(client, admin_headers, content_type):
    response = client.post("/api/v1/auth/login", data="email=a&password=b", content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=101", "page=99999999999999999999999",
                                   "per_page=-1", "page=1.5"])
def test_bad_paging_is_400(client, admin_headers, query):
    error = assert_error(client.get(f"/api/v1/videos?{query}", headers=admin_headers), 400, "validation_error")
    assert set(error["fields"]) <= {"page", "per_page"}


def test_unknown_query_parameters_are_400(client, admin_headers):
    error = assert_error(client.get("/api/v1/videos?colour=blue", headers=admin_headers), 400)
    assert "colour" in error["fields"]


@pytest.mark.parametrize("path", ["/api/v1/videos/99999999999999", "/api/v1/videos/-1", "/api/v1/videos/abc",
                                  "/api/v1/users/0", "/api/v1/corporations/2147483648"])
def test_ids_out_of_range_are_404_not_500(client, admin_headers, path):
    assert_error(client.get(path, headers=admin_headers), 404, "not_found")


@pytest.mark.parametrize("value", ["tomorrow", "2030-02-30", "30-01-2030", 20300101, "2030-01-01T00:00:00"])
def test_bad_dates_are_400(client, admin, admin_headers, value):
    response = client.patch(f"/api/v1/corporations/{admin.corporation_id}", headers=admin_headers,
                            json={"plan": "paid", "plan_expires_at": value})
    assert "plan_expires_at" in assert_error(response, 400)["fields"]


@pytest.mark.parametrize("title", ["bad\x00title", "\ud800", "x" * 201, 12, None, ""])
def test_strings_postgres_cannot_store_or_that_break_rules_are_400(client, admin_headers, origin, title):
    response = client.post("/api/v1/videos", headers=admin_headers,
                           json={"title": title, "source_url": origin.url("a.mp4")})
    assert "title" in assert_error(response, 400)["fields"]


def test_search_with_a_nul_byte_is_400(client, admin_headers):
    assert_error(client.get("/api/v1/videos?q=a%00b", headers=admin_headers), 400)


def test_unknown_fields_are_400(client, admin, admin_headers):
    response = client.patch("/api/v1/videos/1", headers=admin_headers, json={"titel": "typo"})
    assert "titel" in assert_error(response, 400)["fields"]


def test_wrong_method_is_405_json_with_allow(client):
    response = client.put("/api/v1/auth/login", json={})
    assert_error(response, 405)
    assert "POST" in response.headers["Allow"]


def test_big_json_bodies_are_413(client, admin_headers):
    response = client.post("/api/v1/users", headers=admin_headers, data='{"email": "' + "a" * 2_000_000 + '"}',
                           content_type="application/json")
    assert_error(response, 413)


def test_unknown_api_path_is_json_404(client):
    assert_error(client.get("/api/v1/nope"), 404, "not_found")


def test_a_huge_login_body_is_413_before_anything_reads_it(client):
    response = client.post("/api/v1/auth/login", data='{"email": "' + "a" * 2_000_000 + '"}',
                           content_type="application/json")
    assert_error(response, 413)
