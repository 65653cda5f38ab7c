"""Direct uploads against a real S3 server (moto's, over HTTP): the page's JSON calls hand out a ticket
and presigned part URLs, the parts are PUT straight to the bucket (here with requests, as a browser
would), and finishing checks the object before the video row exists."""
import threading
import time

import pytest
import requests
from sqlalchemy import func, select, text

from tests import factories
from tests.support.helpers import csrf_token, log_in
from tests.support.pages import DEMO_MP4
from tests.support.s3 import bucket_keys
from webapp.core.extensions import db
from webapp.media import direct_upload
from webapp.models import AuditEvent, Video

pytestmark = pytest.mark.app_config("s3_storage", S3_PART_SIZE_MB=5, DIRECT_UPLOAD_MIN_MB=1)
MB = 1024 * 1024
BIG_MP4 = DEMO_MP4.read_bytes() + bytes(range(256)) * 45_000  # about 11.5 MB: three parts of 5 MB


def videos():
    db.session.expire_all()
    return db.session.scalars(select(Video).order_by(Video.id)).all()


def call(client, url, body):
    """A JSON call of upload.js: CSRF token in the header, as the script sends it."""
    return client.post(url, json=body, headers={"X-CSRFToken": csrf_token(client, "/videos/upload")})


def start(client, data, title="Big one"):
    response = call(client, "/videos/upload/direct", {"size": len(data), "type": "video/mp4", "title": title})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def put_parts(client, ticket, data, numbers=None):
    """PUT parts to their presigned URLs over HTTP; returns the statuses."""
    numbers = numbers or list(range(1, ticket["parts"] + 1))
    answer = call(client, "/videos/upload/direct/parts", {"token": ticket["token"], "numbers": numbers})
    urls = answer.get_json()["urls"]
    size = ticket["part_size"]
    return [requests.put(urls[str(n)], data=data[(n - 1) * size:n * size], timeout=30).status_code for n in numbers]


def finish(client, ticket, title="Big one", token=None):
    token = token or csrf_token(client, "/videos/upload")
    return client.post("/videos/upload/direct/finish", headers={"X-Requested-With": "XMLHttpRequest"},
                       data={"csrf_token": token, "title": title, "token": ticket["token"]})


def pending_uploads(s3_server, bucket):
    return s3_server.client().list_multipart_uploads(Bucket=bucket).get("Uploads", [])


def test_a_direct_upload_goes_part_by_part_to_the_bucket_and_becomes_a_video(app, admin, admin_client,
                                                                                  s3_server, s3_bucket):
    page = admin_client.get("/videos/upload")
    assert f'data-direct-min-bytes="{MB}"' in page.get_data(as_text=True)
    assert f"connect-src 'self' {s3_server.endpoint_url}" in page.headers["Content-Security-Policy"]
    ticket = start(admin_client, BIG_MP4)
    assert (ticket["parts"], ticket["part_size"]) == (3, 5 * MB)
    assert videos() == []  # nothing exists before the file is checked

    assert put_parts(admin_client, ticket, BIG_MP4) == [200, 200, 200]
    response = finish(admin_client, ticket)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json() == {"location": "/videos/"}
    [video] = videos()
    assert (video.title, video.size_bytes, video.content_type, video.corporation_id) == (
        "Big one", len(BIG_MP4), "video/mp4", admin.corporation_id)
    client = s3_server.client()
    assert client.get_object(Bucket=s3_bucket, Key=video.file_key)["Body"].read() == BIG_MP4
    assert pending_uploads(s3_server, s3_bucket) == []
    assert finish(admin_client, ticket).status_code == 201  # asked again: the same video, not a second
    assert len(videos()) == 1


def test_two_simultaneous_finishes_of_one_upload_make_one_video_and_keep_its_file(
        app, admin, s3_server, s3_bucket):
    """Both requests pass the "already made?" check before either has written its row: the table is
    held locked (SHARE ROW EXCLUSIVE lets them read but not insert) until both wait to insert."""
    tabs = [log_in(app.test_client(), admin) for _ in range(2)]
    ticket = start(tabs[0], BIG_MP4)
    put_parts(tabs[0], ticket, BIG_MP4)
    tokens = [csrf_token(tab, "/videos/upload") for tab in tabs]
    answers = [None, None]

    def press_finish(n):
        with app.app_context():
            answers[n] = finish(tabs[n], ticket, token=tokens[n])

    presses = [threading.Thread(target=press_finish, args=(n,)) for n in range(2)]
    with db.engine.connect() as other, other.begin():
        other.execute(text("LOCK TABLE videos IN SHARE ROW EXCLUSIVE MODE"))
        for press in presses:
            press.start()
        waiting, deadline = 0, time.monotonic() + 30
        while waiting < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            with db.engine.connect() as look:
                waiting = look.scalar(text("SELECT count(*) FROM pg_locks "
                                           "WHERE relation = 'videos'::regclass AND NOT granted"))
        assert waiting == 2, "both requests should be waiting to write their video"
    for press in presses:
        press.join(30)

    assert [answer.status_code for answer in answers] == [201, 201], [a.get_data(as_text=True) for a in answers]
    [video] = videos()
    assert s3_server.client().get_object(Bucket=s3_bucket, Key=video.file_key)["Body"].read() == BIG_MP4
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "video.added")) == 1


def test_a_file_that_is_not_a_video_leaves_no_row_and_no_object(app, admin_client, s3_server, s3_bucket):
    not_a_video = b"<html>" + b"x" * (6 * MB)
    ticket = start(admin_client, not_a_video)
    assert put_parts(admin_client, ticket, not_a_video) == [200, 200]

    response = finish(admin_client, ticket)

    assert response.status_code == 400
    assert "That file is not an MP4 or WebM video." in response.get_data(as_text=True)
    assert videos() == []
    assert bucket_keys(s3_server.client(), s3_bucket) == []
    assert pending_uploads(s3_server, s3_bucket) == []


def test_a_missing_part_keeps_the_upload_open_and_the_page_resumes_from_the_parts_the_bucket_has(
        app, admin_client, s3_server, s3_bucket):
    ticket = start(admin_client, BIG_MP4)
    put_parts(admin_client, ticket, BIG_MP4, [1, 3])

    refused = finish(admin_client, ticket)
    assert refused.status_code == 400
    assert "1 part(s) are missing" in refused.get_data(as_text=True)
    # after a reload, the page asks which parts are there and sends only the others
    answer = call(admin_client, "/videos/upload/direct/parts", {"token": ticket["token"], "uploaded": True}).get_json()
    assert answer["uploaded"] == [{"number": 1, "size": 5 * MB}, {"number": 3, "size": len(BIG_MP4) - 10 * MB}]
    put_parts(admin_client, ticket, BIG_MP4, [2])

    assert finish(admin_client, ticket).status_code == 201
    [video] = videos()
    assert s3_server.client().get_object(Bucket=s3_bucket, Key=video.file_key)["Body"].read() == BIG_MP4


def test_a_ticket_is_good_only_for_the_member_it_was_made_for(app, admin_client, client, s3_server, s3_bucket):
    ticket = start(admin_client, BIG_MP4)
    other = factories.make_admin(factories.make_corporation(name="Other Co"), email="boss@other.example.com")
    log_in(client, other)
    assert call(client, "/videos/upload/direct/parts", {"token": ticket["token"], "numbers": [1]}).status_code == 404
    assert call(client, "/videos/upload/direct/parts", {"token": "forged", "numbers": [1]}).status_code == 404
    assert call(client, "/videos/upload/direct/parts", ["not", "an", "object"]).status_code == 404
    assert finish(client, ticket).status_code == 404
    assert videos() == []


@pytest.mark.parametrize("body, status, code", [
    ({"size": 600 * MB, "type": "video/mp4", "title": "Huge"}, 413, "too_large"),
    ({"size": 0, "type": "video/mp4", "title": "Empty"}, 400, "invalid_file"),
    ({"size": "many", "type": "video/mp4", "title": "Odd"}, 400, "invalid_file"),
    ({"size": 5 * MB, "type": "video/mp4", "title": "  "}, 400, "validation_error"),
    ([5 * MB, "Not an object"], 400, "validation_error"),
])
def test_a_direct_upload_that_cannot_be_accepted_is_refused_before_anything_is_sent(
        app, admin_client, s3_server, s3_bucket, body, status, code):
    response = call(admin_client, "/videos/upload/direct", body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert pending_uploads(s3_server, s3_bucket) == []


def test_guests_cannot_start_a_direct_upload(app, guest_client, s3_server, s3_bucket):
    response = guest_client.post("/videos/upload/direct", json={"size": MB, "title": "x"},
                                 headers={"X-CSRFToken": csrf_token(guest_client, "/")})
    assert response.status_code == 403
    assert pending_uploads(s3_server, s3_bucket) == []


@pytest.mark.parametrize("app_config", [{"STORAGE_BACKEND": "local"}], indirect=True)
def test_without_object_storage_every_upload_goes_through_the_app(app, admin_client):
    assert "data-direct-start" not in admin_client.get("/videos/upload").get_data(as_text=True)
    response = call(admin_client, "/videos/upload/direct", {"size": MB, "type": "video/mp4", "title": "x"})
    assert response.status_code == 404


def test_abandoned_uploads_are_aborted_once_old_enough(app, admin_client, s3_server, s3_bucket):
    ticket = start(admin_client, BIG_MP4)
    put_parts(admin_client, ticket, BIG_MP4, [1])
    [upload] = s3_server.client().list_multipart_uploads(Bucket=s3_bucket)["Uploads"]
    age = time.time() - upload["Initiated"].timestamp()  # as the bucket reports it (moto: always in 2010)
    assert direct_upload.abort_abandoned(age + 3600) == []  # begun less than the limit ago: left alone
    assert len(pending_uploads(s3_server, s3_bucket)) == 1
    [aborted] = direct_upload.abort_abandoned(age - 3600)
    assert aborted["name"].endswith(".mp4")
    assert pending_uploads(s3_server, s3_bucket) == []
    gone = finish(admin_client, ticket)
    assert gone.status_code == 410
    assert "can no longer be finished" in gone.get_data(as_text=True)
