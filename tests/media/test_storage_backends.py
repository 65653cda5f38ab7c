"""The storage interface behaves the same on both backends: files under MEDIA_ROOT, and a bucket of a real
S3 server over HTTP (moto's standalone server, tests/support/s3.py)."""
import hashlib
import os
import time

import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.support.s3 import bucket_keys
from webapp.media.backends import LocalBackend, MissingObject, check_key
from webapp.media.s3 import S3Backend

DATA = bytes(range(256)) * 80_000  # 20 MB: three parts of S3_PART_SIZE_MB=8


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """A backend of each kind (S3: a fresh bucket on the moto server)."""
    if request.param == "local":
        return LocalBackend(tmp_path / "media")
    server = request.getfixturevalue("s3_server")
    return S3Backend(request.getfixturevalue("s3_bucket"), server.endpoint_url, server.region,
                     server.access_key, server.secret_key)


def pieces(data, size=1024 * 1024):
    return (data[i:i + size] for i in range(0, len(data), size))


def test_save_head_read_and_delete(store):
    assert store.save("a1b2.mp4", pieces(DATA), "video/mp4") == len(DATA)
    info = store.head("a1b2.mp4")
    assert info.size == len(DATA) and info.etag and abs(info.modified - time.time()) < 120
    assert store.exists("a1b2.mp4") and store.size("a1b2.mp4") == len(DATA)
    assert store.read_range("a1b2.mp4", 0, 99) == DATA[:100]
    assert store.read_range("a1b2.mp4", len(DATA) - 10, len(DATA) - 1) == DATA[-10:]
    assert b"".join(store.iter_range("a1b2.mp4", 5, 9_000_004, 1024 * 1024)) == DATA[5:9_000_005]
    with store.open("a1b2.mp4") as file:
        file.seek(-1000, os.SEEK_END)
        assert file.read() == DATA[-1000:]
        file.seek(12_345_678)
        assert file.read(5) == DATA[12_345_678:12_345_683]
    store.delete("a1b2.mp4")
    store.delete("a1b2.mp4")  # already gone: not an error
    assert store.head("a1b2.mp4") is None and not store.exists("a1b2.mp4")
    with pytest.raises(MissingObject):
        store.open("a1b2.mp4")


def test_a_failed_save_leaves_nothing(store):
    def breaking():
        yield DATA[:9 * 1024 * 1024]  # past one S3 part: a multipart upload is under way
        raise RuntimeError("the client went away")

    with pytest.raises(RuntimeError):
        store.save("broken.mp4", breaking())
    assert store.head("broken.mp4") is None
    assert store.list_older_than("", -60) == []
    assert store.list_multipart_uploads(older_than=-60) == []


def test_listing_is_one_level_and_by_age(store):
    store.save_bytes("top.mp4", b"x")
    store.save_bytes("posters/1-aa.jpg", b"yy")
    assert [i.key for i in store.list_older_than("", -60)] == ["top.mp4"]
    assert [(i.key, i.size) for i in store.list_older_than("posters/", -60)] == [("posters/1-aa.jpg", 2)]
    assert store.list_older_than("", 3600) == []


def test_put_file_replaces_the_object_and_consumes_the_file(store, tmp_path):
    store.save_bytes("r.mp4", b"old")
    scratch = tmp_path / "media" / "scratch.bin"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    scratch.write_bytes(b"new bytes")
    assert store.put_file("r.mp4", scratch) == 9
    assert store.read_range("r.mp4", 0, 8) == b"new bytes" and not scratch.exists()


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs.mp4", "a/b/c.mp4", "", "posters/../x"])
def test_keys_that_are_not_ours_are_refused(key):
    with pytest.raises(ValueError):
        check_key(key)


def test_s3_presigned_multipart_upload_over_http(s3_server, s3_bucket):
    store = S3Backend(s3_bucket, s3_server.endpoint_url, s3_server.region, s3_server.access_key,
                      s3_server.secret_key)
    upload_id = store.create_multipart("direct.mp4", "video/mp4")
    first, second = DATA[:5 * 1024 * 1024], DATA[5 * 1024 * 1024:6 * 1024 * 1024]
    for number, body in ((1, first), (2, second)):
        url = store.presigned_part_url("direct.mp4", upload_id, number, 60)
        assert s3_server.secret_key not in url
        assert requests.put(url, data=body, timeout=30).status_code == 200
    parts = store.list_parts("direct.mp4", upload_id)
    assert [(p["PartNumber"], p["Size"]) for p in parts] == [(1, len(first)), (2, len(second))]
    assert [u.upload_id for u in store.list_multipart_uploads(older_than=-60)] == [upload_id]
    store.complete_multipart("direct.mp4", upload_id, parts)
    assert store.read_range("direct.mp4", 0, len(first) + len(second) - 1) == first + second
    url = store.presigned_get("direct.mp4", 60)
    assert requests.get(url, headers={"Range": "bytes=0-9"}, timeout=30).content == DATA[:10]
    abandoned = store.create_multipart("gone.mp4")
    store.abort_multipart("gone.mp4", abandoned)
    store.abort_multipart("gone.mp4", abandoned)  # twice: not an error
    assert store.list_multipart_uploads() == [] and bucket_keys(s3_server.client(), s3_bucket) == ["direct.mp4"]


def test_the_test_bucket_refuses_what_a_real_bucket_refuses(s3_server, s3_bucket):
    """The S3 server of these tests checks signatures as AWS S3 and MinIO do, so every passing bucket test
    also shows that what the app signs (and what nginx passes on) is accepted by a real bucket."""
    store = S3Backend(s3_bucket, s3_server.endpoint_url, s3_server.region, s3_server.access_key,
                      s3_server.secret_key)
    store.save("kept.mp4", [DATA[:1000]], "video/mp4")
    url = store.presigned_get("kept.mp4", 60)
    assert requests.get(url, timeout=30).content == DATA[:1000]

    def refusal(response):
        return response.status_code, response.text.split("<Code>")[1].split("</Code>")[0]

    assert refusal(requests.get(url.replace("kept.mp4", "KEPT.mp4"), timeout=30)) == (403, "SignatureDoesNotMatch")
    assert refusal(requests.get(url, headers={"Host": "elsewhere.example"}, timeout=30)) == (
        403, "SignatureDoesNotMatch")
    assert refusal(requests.get(url.split("?")[0], timeout=30)) == (403, "AccessDenied")  # unsigned
    briefly = store.presigned_get("kept.mp4", 1)
    time.sleep(2.1)
    assert refusal(requests.get(briefly, timeout=30)) == (403, "AccessDenied")  # expired
    assert refusal(requests.get(url, headers={"x-amz-acl": "public-read"}, timeout=30)) == (
        403, "AccessDenied")  # an x-amz-* header nobody signed
    wrong_secret = S3Backend(s3_bucket, s3_server.endpoint_url, s3_server.region, s3_server.access_key,
                             "not-the-secret")
    with pytest.raises(Exception, match="SignatureDoesNotMatch"):
        wrong_secret.read_range("kept.mp4", 0, 9)
    wrong_region = S3Backend(s3_bucket, s3_server.endpoint_url, "eu-west-3", s3_server.access_key,
                             s3_server.secret_key)
    with pytest.raises(Exception, match="AuthorizationHeaderMalformed"):
        wrong_region.read_range("kept.mp4", 0, 9)

    def signed_put(body):  # a PUT signed with its body's hash, as boto3 signs over plain HTTP
        request = AWSRequest("PUT", f"{s3_server.endpoint_url}/{s3_bucket}/put.mp4", data=body,
                             headers={"x-amz-content-sha256": hashlib.sha256(body).hexdigest()})
        S3SigV4Auth(Credentials(s3_server.access_key, s3_server.secret_key), "s3", s3_server.region).add_auth(request)
        return dict(request.headers.items())

    assert requests.put(f"{s3_server.endpoint_url}/{s3_bucket}/put.mp4", data=b"right", headers=signed_put(b"right"),
                        timeout=30).status_code == 200
    assert refusal(requests.put(f"{s3_server.endpoint_url}/{s3_bucket}/put.mp4", data=b"wrong",
                                headers=signed_put(b"right"), timeout=30)) == (400, "XAmzContentSHA256Mismatch")
    assert store.read_range("put.mp4", 0, 4) == b"right"
