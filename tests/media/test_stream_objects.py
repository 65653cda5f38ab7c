"""Uploaded videos kept in an S3 bucket (moto's server over HTTP) stream exactly as files do: byte-exact
ranges, conditionals, 416s, our headers, points once; offload hands nginx a presigned URL."""
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.media.test_stream_files import (  # noqa: F401 - the same specifications, on a bucket
    test_a_missing_file_is_a_clear_502_without_points,
    test_an_upload_is_served_whole_and_in_ranges,
    test_conditional_requests_and_unsatisfiable_ranges,
)
from tests.support.helpers import points_of
from tests.support.media import UPLOAD_BYTES as DATA
from tests.support.s3 import bucket_keys
from webapp.core.security import STREAM_CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.app_config("s3_storage")


@pytest.fixture
def stored_upload(upload, s3_server, s3_bucket):
    """The media conftest's upload: an object in the test's bucket, nothing on the disk."""
    assert bucket_keys(s3_server.client(), s3_bucket) == [upload.file_key]
    return upload, upload.file_key


@pytest.mark.parametrize("header, expected", [
    ("bytes=0-0", DATA[:1]),
    ("bytes=199990-", DATA[199990:]),
    ("bytes=-1", DATA[-1:]),
    ("bytes=5-5000000", DATA[5:]),
], ids=["first byte", "from an offset to the end", "last byte", "past the end"])  # (the bytes are random)
def test_ranges_of_an_object_are_byte_exact(guest_client, guest, stored_upload, header, expected):
    video, _ = stored_upload
    response = guest_client.get(f"/videos/{video.id}/stream", headers={"Range": header})
    assert response.status_code == 206 and response.data == expected
    assert int(response.headers["Content-Length"]) == len(expected)
    assert response.headers["Content-Range"].endswith(f"/{len(DATA)}")
    assert response.headers["Content-Type"] == "video/mp4" and response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == STREAM_CONTENT_SECURITY_POLICY
    assert points_of(guest) == 10


@pytest.mark.parametrize("header", [f"bytes={len(DATA) + 5}-", f"bytes={len(DATA)}-{len(DATA) + 9}",
                                    f"bytes=-{len(DATA) + 1}"])  # the last: as Werkzeug answers for files
def test_an_unsatisfiable_range_under_api_is_a_json_416(client, guest, stored_upload, api_stream, header):
    video, _ = stored_upload
    response = client.get(api_stream(guest, video), headers={"Range": header})
    assert response.status_code == 416 and response.get_json()["error"]["code"] == "range_not_satisfiable"
    assert response.headers["Content-Range"] == f"bytes */{len(DATA)}"
    assert points_of(guest) == 0


def test_if_range_with_an_old_validator_gets_the_whole_video(guest_client, stored_upload):
    video, _ = stored_upload
    current = guest_client.head(f"/videos/{video.id}/stream").headers["ETag"]
    same = guest_client.get(f"/videos/{video.id}/stream", headers={"Range": "bytes=0-9", "If-Range": current})
    assert same.status_code == 206 and same.data == DATA[:10]
    old = guest_client.get(f"/videos/{video.id}/stream", headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert old.status_code == 200 and old.data == DATA


def test_offload_hands_nginx_a_presigned_url_of_the_storage_address(app, guest_client, guest, stored_upload,
                                                                    s3_server, s3_bucket):
    video, key = stored_upload
    app.config["X_ACCEL_REDIRECT"] = True
    response = guest_client.get(f"/videos/{video.id}/stream", headers={"Range": "bytes=0-99"})
    assert response.status_code == 200 and response.data == b"" and points_of(guest) == 10
    assert response.headers["X-Accel-Redirect"] == "/_origin"
    endpoint = urlsplit(s3_server.endpoint_url)
    assert response.headers["X-Origin-Address"] == f"127.0.0.1:{endpoint.port}"
    assert response.headers["X-Origin-Host"] == endpoint.netloc
    path = response.headers["X-Origin-Path"]
    assert path.startswith(f"/{s3_bucket}/{key}?")
    query = parse_qs(urlsplit(path).query)
    assert int(query["X-Amz-Expires"][0]) == app.config["S3_PRESIGN_TTL"] and query["X-Amz-Signature"]
    assert s3_server.secret_key not in str(response.headers)
    # What nginx does with it: the bucket answers the signed URL, with the range, for a minute.
    fetched = requests.get(f"{s3_server.endpoint_url}{path}", headers={"Range": "bytes=0-99"}, timeout=10)
    assert fetched.status_code == 206 and fetched.content == DATA[:100]
    unsigned = requests.get(f"{s3_server.endpoint_url}/{s3_bucket}/{key}", timeout=10)
    assert unsigned.status_code == 403


def test_offload_refusal_by_storage_is_our_502(app, guest_client, guest, stored_upload):
    video, _ = stored_upload
    app.config["X_ACCEL_REDIRECT"] = True
    response = guest_client.get(f"/videos/{video.id}/stream", headers={"X-Origin-Failed": "200, 403"})
    assert response.status_code == 502
    assert "could not be read from storage" in response.get_data(as_text=True)


def test_purge_removes_the_object_and_its_poster(app, admin, stored_upload, s3_server, s3_bucket):
    from tests.support.media import store_object
    from webapp.core.extensions import db
    from webapp.videos import services

    video, key = stored_upload
    video.poster_key = "1-0011223344556677.jpg"
    db.session.commit()
    store_object("posters/1-0011223344556677.jpg", b"jpeg")
    services.trash_video(admin, video)
    services.purge_video(admin, video)
    assert bucket_keys(s3_server.client(), s3_bucket) == []
