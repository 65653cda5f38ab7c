"""Errors are pages in the layout for browsers and JSON under /api, never stack traces."""


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "There is nothing here." in response.get_data(as_text=True)


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
