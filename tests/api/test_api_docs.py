"""The OpenAPI document is complete, and /docs renders offline from the app's own files."""
import pytest

EXPECTED_OPERATIONS = {
    ("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/refresh"), ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"), ("post", "/api/v1/corporations"),
    ("get", "/api/v1/corporations/{corporation_id}"), ("patch", "/api/v1/corporations/{corporation_id}"),
    ("delete", "/api/v1/corporations/{corporation_id}"),
    ("get", "/api/v1/users"), ("post", "/api/v1/users"), ("get", "/api/v1/users/{user_id}"),
    ("patch", "/api/v1/users/{user_id}"), ("delete", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/users/{user_id}/views"), ("get", "/api/v1/users/{user_id}/sessions"),
    ("delete", "/api/v1/users/{user_id}/sessions"),
    ("get", "/api/v1/videos"), ("post", "/api/v1/videos"), ("get", "/api/v1/videos/trash"),
    ("get", "/api/v1/videos/{video_id}"), ("patch", "/api/v1/videos/{video_id}"),
    ("delete", "/api/v1/videos/{video_id}"), ("post", "/api/v1/videos/{video_id}/restore"),
    ("delete", "/api/v1/videos/{video_id}/purge"), ("get", "/api/v1/videos/{video_id}/views"),
    ("get", "/api/v1/videos/{video_id}/stream"), ("post", "/api/v1/videos/{video_id}/playback-url"),
    ("get", "/api/v1/audit-events"), ("get", "/healthz"), ("get", "/readyz"),
    ("post", "/api/v1/auth/password-reset"), ("post", "/api/v1/auth/password-reset/confirm"),
    ("get", "/api/v1/invitations"), ("post", "/api/v1/invitations"),
    ("delete", "/api/v1/invitations/{invitation_id}"), ("post", "/api/v1/invitations/{invitation_id}/resend"),
    ("post", "/api/v1/invitations/accept"), ("post", "/api/v1/corporations/confirm"),
    ("post", "/api/v1/invitations/confirm"), ("post", "/api/v1/corporations/confirm/resend"),
}
PUBLIC = {("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/refresh"), ("post", "/api/v1/auth/logout"),
          ("post", "/api/v1/corporations"), ("get", "/healthz"), ("get", "/readyz"),
          ("post", "/api/v1/auth/password-reset"), ("post", "/api/v1/auth/password-reset/confirm"),
          ("post", "/api/v1/invitations/accept"), ("post", "/api/v1/corporations/confirm"),
          ("post", "/api/v1/invitations/confirm"), ("post", "/api/v1/corporations/confirm/resend")}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "patch", "put", "delete"}:
                yield method, path, operation


def test_every_endpoint_is_documented(spec):
    assert spec["openapi"].startswith("3.")
    assert {(m, p) for m, p, _ in operations(spec)} >= EXPECTED_OPERATIONS


def test_bearer_scheme_on_every_protected_operation(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"]}
    for method, path, operation in operations(spec):
        if (method, path) in PUBLIC:
            assert "security" not in operation, path
        else:
            assert operation["security"] == [{"bearerAuth": []}], (method, path)
            assert "401" in operation["responses"], (method, path)


def test_every_error_status_uses_the_error_envelope(spec):
    components = spec["components"]["responses"]
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status == "416":  # the stream's "range not satisfiable" is empty, like any byte server's
                assert path.endswith("/stream") and "content" not in response
            elif status == "default" or int(status) >= 400:
                ref = response.get("$ref", "")
                body = components[ref.rsplit("/", 1)[-1]] if ref else response
                schema_ref = body["content"]["application/json"]["schema"]["$ref"]
                if path.startswith("/api"):
                    assert schema_ref == "#/components/schemas/Error", (method, path, status)
    error = spec["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"code", "message", "fields"}


def test_validation_errors_are_documented_as_400_not_422(spec):
    for method, path, operation in operations(spec):
        assert "422" not in operation["responses"], (method, path)


@pytest.mark.browser
def test_docs_page_renders_offline_in_chromium(page, live_server, screenshot):
    outside = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(".opblock-tag-section", timeout=15000)
    assert page.locator(".info .title").inner_text().startswith("Reelhouse API")
    for tag in ("Auth", "Corporations", "Users", "Videos", "Health"):
        assert page.locator(f".opblock-tag[data-tag='{tag}']").count() == 1
    assert page.locator(".opblock").count() >= len(EXPECTED_OPERATIONS)
    assert outside == []
    screenshot("api-docs")
