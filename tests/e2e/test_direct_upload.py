"""Direct uploads in real Chromium against a real S3 server (moto's, over HTTP, reached cross-origin as
a bucket on AWS would be, with the bucket's CORS rules): the page PUTs the parts to presigned URLs
under the site's own Content-Security-Policy, sends a failed part again, resumes after a reload from
the parts the bucket has, and the video appears only once the app checked the object."""
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_accessibility import PHONE_SHOTS, Walk, context_for
from tests.support.pages import DEMO_MP4
from webapp.core.extensions import db
from webapp.models import Video

pytestmark = [pytest.mark.browser, pytest.mark.app_config("s3_storage", S3_PART_SIZE_MB=5, DIRECT_UPLOAD_MIN_MB=1)]
MB = 1024 * 1024


@pytest.fixture
def big_clip(tmp_path):
    """A real MP4 (the demo clip) followed by 11 MB of other bytes: three parts of 5 MB."""
    path = tmp_path / "quarterly-review.mp4"
    path.write_bytes(DEMO_MP4.read_bytes() + bytes(range(256)) * 45_000)
    return path


@pytest.fixture
def bucket_for_browsers(s3_server, s3_bucket, live_server):
    """The bucket lets the site's pages PUT parts to it (CORS), as a bucket browsers reach directly must."""
    s3_server.client().put_bucket_cors(Bucket=s3_bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": [live_server.url], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"]}]})
    return s3_bucket


class StatesWalk(Walk):
    """The accessibility walk's checks for a few more page states (leaving the walk's screenshots be)."""

    def __init__(self):
        self.failures, self.states = {}, 0
        PHONE_SHOTS.mkdir(parents=True, exist_ok=True)


class PartLog:
    """Watches the browser's PUTs to the bucket; fails the first try of chosen parts (or every try)."""

    def __init__(self, page, endpoint, fail_once=(), fail_always=()):
        self.tries = Counter()
        self.fail_once, self.fail_always = set(fail_once), set(fail_always)
        page.route(f"{endpoint}/**", self.handle)

    def handle(self, route):
        if route.request.method != "PUT":
            route.continue_()
            return
        number = int(parse_qs(urlsplit(route.request.url).query)["partNumber"][0])
        self.tries[number] += 1
        if number in self.fail_always or (number in self.fail_once and self.tries[number] == 1):
            route.abort("connectionreset")
        else:
            route.continue_()


def only_video():
    db.session.expire_all()
    return db.session.scalars(select(Video)).one()


def choose(page, base, title, path):
    page.goto(f"{base}/videos/upload")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Video file (MP4 or WebM)").set_input_files(str(path))


def test_a_large_file_goes_to_the_bucket_part_by_part_and_a_failed_part_is_sent_again(
        page, live_server, browser_login, admin, s3_server, bucket_for_browsers, big_clip):
    browser_login(admin.email)
    parts = PartLog(page, s3_server.endpoint_url, fail_once={2})
    choose(page, live_server.url, "Quarterly review", big_clip)
    page.get_by_role("button", name="Upload video").click()

    expect(page.locator(".flash").first).to_have_text("“Quarterly review” was uploaded.", timeout=30_000)
    assert parts.tries == {1: 1, 2: 2, 3: 1}  # the part cut off was sent again; no part went twice otherwise
    video = only_video()
    assert video.size_bytes == big_clip.stat().st_size and video.content_type == "video/mp4"
    stored = s3_server.client().get_object(Bucket=bucket_for_browsers, Key=video.file_key)["Body"].read()
    assert stored == big_clip.read_bytes()
    assert s3_server.client().list_multipart_uploads(Bucket=bucket_for_browsers).get("Uploads", []) == []


def test_after_a_reload_the_same_file_resumes_from_the_parts_the_bucket_has(
        browser, live_server, app, admin, s3_server, bucket_for_browsers, big_clip):
    """Also walks the new page states with axe (the part that keeps failing, the resumed upload)."""
    walk = StatesWalk()
    context = context_for(browser, live_server, app, admin)
    page = context.new_page()
    parts = PartLog(page, s3_server.endpoint_url, fail_always={3})
    choose(page, live_server.url, "Board meeting", big_clip)
    page.get_by_role("button", name="Upload video").click()
    expect(page.get_by_test_id("upload-stats")).to_have_text(
        "A part of the upload did not arrive; sending it again…", timeout=20_000)
    walk.check(page, "upload-direct-retrying")
    expect(page.locator(".upload-error")).to_contain_text("The upload did not complete", timeout=20_000)
    assert parts.tries == {1: 1, 2: 1, 3: 4}  # four tries of the failing part, then the page gives up
    walk.check(page, "upload-direct-lost")

    page.unroute_all()
    resumed = PartLog(page, s3_server.endpoint_url)
    page.reload()
    choose(page, live_server.url, "Board meeting", big_clip)
    page.get_by_role("button", name="Upload video").click()

    expect(page.locator(".flash").first).to_have_text("“Board meeting” was uploaded.", timeout=30_000)
    assert resumed.tries == {3: 1}  # only the part the bucket did not have
    video = only_video()
    stored = s3_server.client().get_object(Bucket=bucket_for_browsers, Key=video.file_key)["Body"].read()
    assert stored == big_clip.read_bytes()
    context.close()
    assert walk.failures == {}


def test_a_file_that_is_not_a_video_is_refused_after_the_upload_and_nothing_remains(
        browser, live_server, app, admin, s3_server, bucket_for_browsers, tmp_path):
    walk = StatesWalk()
    fake = tmp_path / "not-a-video.mp4"
    fake.write_bytes(b"<!doctype html>" + b"x" * (6 * MB))
    context = context_for(browser, live_server, app, admin)
    page = context.new_page()
    choose(page, live_server.url, "Fake", fake)
    page.get_by_role("button", name="Upload video").click()

    expect(page.locator(".errors").first).to_contain_text("That file is not an MP4 or WebM video.", timeout=30_000)
    walk.check(page, "upload-direct-refused")
    db.session.expire_all()
    assert db.session.scalars(select(Video)).all() == []
    client = s3_server.client()
    assert client.list_objects_v2(Bucket=bucket_for_browsers).get("Contents", []) == []
    assert client.list_multipart_uploads(Bucket=bucket_for_browsers).get("Uploads", []) == []
    context.close()
    assert walk.failures == {}
