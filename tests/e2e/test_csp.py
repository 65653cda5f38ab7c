"""In Chromium: a stored <script> title renders as text, and the CSP blocks any inline script that slips in."""
import pytest

from tests.factories import make_video

pytestmark = pytest.mark.browser

PAYLOAD = "<script>window.__pwned=1</script>"
# Added before any page script runs (Playwright injects it outside the page's CSP).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.__violations.push(event.effectiveDirective));
"""


def test_a_stored_script_title_is_shown_as_text_and_runs_nothing(page, browser_login, admin, live_server,
                                                                 screenshot):
    video = make_video(admin.corporation, title=f"Quarterly {PAYLOAD}")
    page.add_init_script(RECORD_VIOLATIONS)
    browser_login(admin.email)
    page.goto(f"{live_server.url}/library/")
    assert page.locator(".video-title").inner_text() == f"Quarterly {PAYLOAD}"
    assert page.evaluate("window.__pwned") is None
    page.goto(f"{live_server.url}/watch/{video.id}")
    assert page.locator("h1").inner_text() == f"Quarterly {PAYLOAD}"
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__violations") == []  # our own pages need nothing the policy forbids
    screenshot("csp-escaped-title")


def serve_with_injected_script(page, url, keep_csp=True):
    """Serve the app's real response for `url`, with its real headers, plus injected inline code."""

    def handle(route):
        response = route.fetch()
        headers = dict(response.headers)
        if not keep_csp:
            headers.pop("content-security-policy")
        body = response.text().replace(
            "</main>", f'{PAYLOAD}<p id="styled" style="color: rgb(255, 0, 0)">x</p>'
                       f'<button id="handler" onclick="window.__clicked=1">y</button></main>')
        route.fulfill(response=response, headers=headers, body=body)

    page.route(url, handle)


def test_the_policy_blocks_inline_scripts_handlers_and_styles(page, live_server):
    url = f"{live_server.url}/login"
    page.add_init_script(RECORD_VIOLATIONS)
    serve_with_injected_script(page, url)
    page.goto(url)
    page.click("#handler")
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__clicked") is None
    assert page.eval_on_selector("#styled", "e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
    assert set(page.evaluate("window.__violations")) >= {"script-src-elem", "script-src-attr", "style-src-attr"}
    # Same-origin files still work: the stylesheet styles the header, confirm.js is loaded.
    assert page.eval_on_selector("header", "e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert page.evaluate("performance.getEntriesByType('resource')"
                         ".some(r => new URL(r.name).pathname.endsWith('/js/confirm.js'))")


def test_without_the_policy_the_same_injection_would_run(page, live_server):
    """The control: proves the page above was protected by the header, not by the injection failing."""
    url = f"{live_server.url}/login"
    serve_with_injected_script(page, url, keep_csp=False)
    page.goto(url)
    page.click("#handler")
    assert page.evaluate("window.__pwned") == 1
    assert page.evaluate("window.__clicked") == 1


def test_the_api_docs_render_under_the_same_policy(page, live_server):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/docs")
    page.get_by_text("/api/v1/audit-events").first.wait_for()
    assert page.evaluate("window.__violations") == []
