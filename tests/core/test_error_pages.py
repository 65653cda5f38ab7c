"""Error pages 403, 404, 413 and 500 are rendered inside the site layout."""
import pytest

from tests.support.pages import post_upload, upload_data

LAYOUT_MARKS = ('class="skip-link"', '<nav class="main-nav" aria-label="Main">', 'data-testid="plan-badge"')


def assert_in_layout(response, status, message):
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<h1>{status}</h1>" in page and message in page
    assert all(mark in page for mark in LAYOUT_MARKS)


def test_403_page(guest_client):
    assert_in_layout(guest_client.get("/members/"), 403, "This page is for your company&#39;s admins.")


def test_404_page(admin_client):
    assert_in_layout(admin_client.get("/videos/999999/edit"), 404, "There is nothing here.")


@pytest.mark.parametrize("app_config", [{"MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 1024 * 1024}],
                         indirect=True)
def test_413_page_states_the_limit(admin_client):
    response = post_upload(admin_client, upload_data("Big", b"\0\0\0\x18ftypmp42" + b"\0" * 2 * 1024 * 1024))
    assert_in_layout(response, 413, "The file is too large: the limit is 1 MB.")


def test_500_page(app, admin_client):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = admin_client.get("/broken-for-test")
    assert_in_layout(response, 500, "Something went wrong on our side. Please try again.")
    assert "boom" not in response.get_data(as_text=True)
