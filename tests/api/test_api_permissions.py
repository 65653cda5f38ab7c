"""Who may call what: anonymous, guest, admin, and the admin of another company (404 for our ids)."""
import pytest

ROLES = ("anonymous", "guest", "admin", "other_admin")

# (method, path, json body, expected status for anonymous, guest, admin, other_admin)
MATRIX = [
    ("get", "/api/v1/me", None, (401, 200, 200, 200)),
    ("get", "/api/v1/corporations/{corporation}", None, (401, 200, 200, 404)),
    ("patch", "/api/v1/corporations/{corporation}", {"name": "Initech Ltd"}, (401, 403, 200, 404)),
    ("delete", "/api/v1/corporations/{corporation}", None, (401, 403, 204, 404)),
    ("get", "/api/v1/users", None, (401, 403, 200, 200)),
    ("post", "/api/v1/users", {"email": "new@example.com", "password": "long-enough-pw", "role": "guest"},
     (401, 403, 202, 202)),
    ("get", "/api/v1/users/{guest}", None, (401, 200, 200, 404)),
    ("get", "/api/v1/users/{admin}", None, (401, 403, 200, 404)),
    ("patch", "/api/v1/users/{guest}", {"role": "admin"}, (401, 403, 200, 404)),
    ("delete", "/api/v1/users/{guest}", None, (401, 204, 204, 404)),
    ("delete", "/api/v1/users/{admin}", None, (401, 403, 409, 404)),
    ("get", "/api/v1/users/{guest}/views", None, (401, 200, 200, 404)),
    ("get", "/api/v1/users/{admin}/views", None, (401, 403, 200, 404)),
    ("get", "/api/v1/users/{guest}/sessions", None, (401, 200, 200, 404)),
    ("delete", "/api/v1/users/{guest}/sessions", None, (401, 204, 204, 404)),
    ("get", "/api/v1/videos", None, (401, 200, 200, 200)),
    ("get", "/api/v1/videos/trash", None, (401, 403, 200, 200)),
    ("post", "/api/v1/videos", {"title": "New", "source_url": "{origin_clip}"},
     (401, 403, 201, 201)),
    ("get", "/api/v1/videos/{video}", None, (401, 200, 200, 404)),
    ("get", "/api/v1/videos/{trashed}", None, (401, 404, 200, 404)),
    ("patch", "/api/v1/videos/{video}", {"title": "Renamed"}, (401, 403, 200, 404)),
    ("delete", "/api/v1/videos/{video}", None, (401, 403, 204, 404)),
    ("post", "/api/v1/videos/{trashed}/restore", None, (401, 403, 200, 404)),
    ("delete", "/api/v1/videos/{trashed}/purge", None, (401, 403, 204, 404)),
    ("get", "/api/v1/videos/{video}/views", None, (401, 403, 200, 404)),
    ("get", "/api/v1/videos/{video}/stream", None, (401, 200, 200, 404)),
    ("post", "/api/v1/videos/{video}/playback-url", None, (401, 200, 200, 404)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,body,expected", MATRIX,
                         ids=[f"{m.upper()} {p}" for m, p, _, _ in MATRIX])
def test_permission_matrix(client, bearer, world, role, method, path, body, expected):
    url = path.format(**world)
    headers = {} if role == "anonymous" else bearer(world["users"][role])
    body = {key: value.format(**world) for key, value in body.items()} if body else None
    response = getattr(client, method)(url, json=body, headers=headers)
    assert response.status_code == expected[ROLES.index(role)], response.get_data(as_text=True)
    if response.status_code >= 400 or not path.endswith("/stream"):
        assert response.mimetype == "application/json" or response.status_code == 204


def test_lists_never_show_another_companys_rows(client, bearer, world):
    headers = bearer(world["users"]["other_admin"])
    assert client.get("/api/v1/videos", headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/videos/trash", headers=headers).get_json()["items"] == []
    emails = [u["email"] for u in client.get("/api/v1/users", headers=headers).get_json()["items"]]
    assert emails == ["boss@umbrella.example.com"]
