"""Every request of rest_client/*.http runs against a live server with the demo data, in order."""
import re
from pathlib import Path

from tests.support.http_files import Runner, parse
from webapp.demo import seed_demo_data

HTTP_DIR = Path(__file__).resolve().parents[2] / "rest_client"
HTTP_FILES = sorted(HTTP_DIR.glob("*.http"))


def test_the_files_annotate_every_request_with_an_expected_status():
    assert HTTP_FILES
    for path in HTTP_FILES:
        for request in parse(path)[1]:
            assert request.expect, f"{request.source} ({request.title}) has no # @expect"


def test_every_request_answers_the_expected_status(live_server, client, origin):
    seed_demo_data()
    clip = origin.add_file("tour.mp4", (HTTP_DIR.parent / "webapp/demo_media/colour-bars.mp4").read_bytes())
    sent = set()
    for path in HTTP_FILES:
        runner = Runner(path, {"baseUrl": live_server.url, "sourceUrl": clip})
        for request in runner.requests:
            response = runner.send(request)
            assert response.status_code == request.expect, (
                f"{request.source} {request.title}: {request.method} {response.url} answered "
                f"{response.status_code}, expected {request.expect}: {response.text[:300]}")
            sent.add((request.method.lower(), response.request.path_url.split("?")[0]))
    spec = client.get("/api/openapi.json").get_json()
    missing = []
    for template, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"{[^}]+}", r"[^/]+", template) + "$")
        for method in set(item) - {"parameters", "summary", "description"}:
            if not any(m == method and pattern.match(p) for m, p in sent):
                missing.append(f"{method.upper()} {template}")
    assert missing == [], f"endpoints no .http file calls: {missing}"
