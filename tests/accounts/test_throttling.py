"""The login and sign-up forms are rate limited per IP and per account, with a 429 page saying when to retry."""
import pytest

from config import TestingConfig
from tests.conftest import IsolatedClient
from tests.factories import PASSWORD, make_user
from tests.support.helpers import assert_security_headers, post_form, post_login_form
from tests.support.processes import free_port
from webapp import create_app

pytestmark = pytest.mark.app_config(LOGIN_RATE_LIMIT_PER_IP="6 per minute", LOGIN_RATE_LIMIT_PER_ACCOUNT="3 per minute",
                                     SIGNUP_RATE_LIMIT="2 per hour")


def assert_throttled(response):
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 3600
    page = response.get_data(as_text=True)
    assert "Too many attempts. Please wait" in page and "before trying again" in page
    assert 'class="site-header"' in page  # the page is in the layout
    assert_security_headers(response)


def test_failed_logins_lock_the_account_for_a_window_even_from_other_ips(client, admin):
    for attempt in range(3):
        assert post_login_form(client, admin.email, "wrong-password-1", ip=f"198.51.100.{attempt}").status_code == 401
    assert_throttled(post_login_form(client, admin.email.upper(), ip="198.51.100.99"))  # even with the right password
    other = make_user(admin.corporation, email="other@initech.example.com")
    assert post_login_form(client, other.email, ip="198.51.100.99").status_code == 302


def test_successful_logins_do_not_lock_the_owner_out(client, admin):
    for attempt in range(5):
        assert post_login_form(client, admin.email, ip=f"198.51.100.{attempt}").status_code == 302
        post_form(client, "/logout", page="/")


def test_one_ip_is_limited_across_accounts(client, admin):
    for attempt in range(6):
        assert post_login_form(client, f"nobody{attempt}@initech.example.com", ip="198.51.100.1").status_code == 401
    assert_throttled(post_login_form(client, admin.email, ip="198.51.100.1"))
    assert post_login_form(client, admin.email, ip="198.51.100.200").status_code == 302


def test_the_login_page_itself_is_not_limited(client):
    for _ in range(8):
        assert client.get("/login").status_code == 200


def test_sign_up_is_limited_per_ip(client):
    def sign_up(number):
        return post_form(client, "/signup", {"name": f"Company {number}", "email": f"a{number}@x.example.com",
                                             "password": "a-good-long-password",
                                             "confirm": "a-good-long-password"}, page="/signup")

    assert sign_up(1).status_code == 200  # "check your e-mail"
    assert sign_up(2).status_code == 200
    assert_throttled(sign_up(3))


def test_logins_still_work_when_redis_is_unreachable(app_config, request):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # a port nobody listens on
    app_config.update(RATELIMIT_STORAGE_URI=dead, REDIS_URL=dead)
    client, admin = request.getfixturevalue("client"), request.getfixturevalue("admin")
    for _ in range(4):
        assert post_login_form(client, admin.email, ip="198.51.100.1").status_code == 302
        assert post_form(client, "/logout", page="/").status_code == 302


def test_the_login_page_and_the_api_login_share_their_counters(client, admin):
    assert post_login_form(client, admin.email, "wrong-password-1", ip="198.51.100.1").status_code == 401
    api = client.post("/api/v1/auth/login", json={"email": admin.email.upper(), "password": "wrong-password-2"},
                      environ_base={"REMOTE_ADDR": "198.51.100.2"})
    assert api.status_code == 401
    assert post_login_form(client, admin.email, "wrong-password-3", ip="198.51.100.3").status_code == 401
    assert_throttled(post_login_form(client, admin.email, ip="198.51.100.4"))
    api = client.post("/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "198.51.100.5"})
    assert api.status_code == 429 and api.get_json()["error"]["code"] == "too_many_requests"
    assert int(api.headers["Retry-After"]) >= 1


def test_a_new_app_counts_in_redis_at_once_after_an_outage_of_the_previous_storage(app_config, redis_conn):
    """Pins the one use of Flask-Limiter's private state (webapp/core/compat.py): the outage
    flag it keeps on the process-wide limiter must not make a new app count in memory."""
    dead = f"redis://127.0.0.1:{free_port()}/0"
    broken = create_app(TestingConfig, {**app_config, "RATELIMIT_STORAGE_URI": dead, "REDIS_URL": dead})
    broken.test_client_class = IsolatedClient
    with broken.app_context():
        client = broken.test_client()
        for _ in range(2):  # the first finds Redis down, the second probes it again (and fails)
            assert post_login_form(client, "nobody@initech.example.com", ip="198.51.100.1").status_code == 401
    healthy = create_app(TestingConfig, app_config)
    healthy.test_client_class = IsolatedClient
    with healthy.app_context():
        assert post_login_form(healthy.test_client(), "nobody@initech.example.com",
                               ip="198.51.100.1").status_code == 401
    assert any(b"login-ip" in key for key in redis_conn.keys("*"))


def test_the_429_page_speaks_the_browser_language(client, admin):
    for attempt in range(3):
        post_login_form(client, admin.email, "wrong-password-1", ip=f"198.51.100.{attempt}")
    response = post_login_form(client, admin.email, ip="198.51.100.9", headers={"Accept-Language": "ko"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert '<html lang="ko">' in page and "시도 횟수가 너무 많습니다." in page and "후에 다시 시도하세요." in page
