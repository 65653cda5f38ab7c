"""The production stack (nginx, gunicorn, worker) with media in an S3 bucket (moto's server over HTTP):
an upload through nginx lands in the bucket, the worker probes it there, and nginx streams it from a
presigned URL the browser never sees."""
import uuid

import pytest
import requests
from sqlalchemy import select

from tests import factories
from tests.deploy.test_deploy import (
    MB,
    endpoint_path,
    gunicorn_access_log,
    logged_line,
    padded_mp4,
    upload_through_nginx,
)
from tests.support.deploy_stack import BrowserSession, running_stack
from tests.support.helpers import CSRF_RE
from tests.support.processes import wait_until
from tests.support.s3 import bucket_keys, empty_and_remove
from webapp.core.extensions import db
from webapp.core.security import STREAM_CONTENT_SECURITY_POLICY
from webapp.models import Video

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bucket_stack(database_url, origin_server, s3_server, tmp_path_factory):
    bucket = f"reelhouse-{uuid.uuid4().hex[:12]}"
    client = s3_server.client()
    client.create_bucket(Bucket=bucket)
    with running_stack(database_url, origin_server, tmp_path_factory.mktemp("bucket-stack"),
                       processes=("web", "worker"), **s3_server.settings(bucket)) as running:
        running.bucket, running.s3 = bucket, client
        yield running
    empty_and_remove(client, bucket)


def settled(video_id):
    db.session.rollback()
    video = db.session.scalar(select(Video).where(Video.id == video_id))
    return video if video.status != "processing" else None


def test_an_upload_through_nginx_is_kept_probed_and_streamed_from_the_bucket(bucket_stack, s3_server):
    stack = bucket_stack
    corporation = factories.make_corporation(name="Bucket Co")
    admin = factories.make_admin(corporation, email="boss@bucket.example.com")
    session = BrowserSession()
    token = CSRF_RE.search(session.get(f"{stack.url}/login").text).group(1)
    assert session.post(f"{stack.url}/login", allow_redirects=False, data={
        "email": admin.email, "password": factories.PASSWORD, "csrf_token": token}).status_code == 302
    data = padded_mp4(MB + 4321)
    assert upload_through_nginx(stack, session, "In the bucket", data).status_code == 302
    video = db.session.scalar(select(Video).where(Video.corporation_id == corporation.id))
    assert stack.s3.get_object(Bucket=stack.bucket, Key=video.file_key)["Body"].read() == data
    assert [path for path in stack.media.rglob("*") if path.is_file()] == []  # nothing on the web's disk

    done = wait_until(lambda: settled(video.id), deadline=60, message="the worker to probe the upload")
    assert done.status == "ready", (done.status_reason, done.status_params)
    assert f"posters/{done.poster_key}" in bucket_keys(stack.s3, stack.bucket)

    url = stack.url + endpoint_path(stack, "player.stream", video_id=video.id)
    for headers, status, expected in (({}, 200, data), ({"Range": "bytes=100000-199999"}, 206, data[100000:200000]),
                                      ({"Range": "bytes=-1000"}, 206, data[-1000:])):
        response = session.get(url, headers=headers)
        assert (response.status_code, response.content) == (status, expected)
        assert response.headers["Content-Type"] == "video/mp4"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == STREAM_CONTENT_SECURITY_POLICY
        assert response.headers["Accept-Ranges"] == "bytes"
        shown = str(response.headers).lower()
        for secret in ("x-amz", "x-origin", "signature", "credential", s3_server.access_key.lower(),
                       s3_server.secret_key.lower(), stack.bucket):
            assert secret not in shown
        rid = response.headers["X-Request-ID"]
        line = wait_until(lambda rid=rid: logged_line(gunicorn_access_log(stack), f"rid={rid} "))
        assert " bytes=" in line and int(line.split(" bytes=")[1].split()[0]) < 1024  # nginx moved the bytes
    beyond = session.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(data)}"
    poster = session.get(stack.url + endpoint_path(stack, "player.poster", video_id=video.id, v=done.poster_key))
    assert poster.status_code == 200 and poster.content[:3] == b"\xff\xd8\xff"

    stack.s3.delete_object(Bucket=stack.bucket, Key=video.file_key)
    gone = session.get(url)
    assert gone.status_code == 502 and "missing from storage" in gone.text
    # browsers never read the bucket: nginx lets only signed part uploads through to it
    assert requests.get(f"{stack.url}/{stack.bucket}/{video.file_key}", timeout=10).status_code in (302, 403, 404)
