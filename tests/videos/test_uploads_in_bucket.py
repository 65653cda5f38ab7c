"""Uploads through the pages with media kept in an S3 bucket (moto's server over HTTP): they land in the
bucket, nothing of a refused one remains there or on the disk, and a large one goes up part by part."""
import pytest

from tests.support.pages import DEMO_MP4, post_upload, stored_files, upload_data
from tests.support.s3 import bucket_keys
from tests.videos.test_video_pages import (  # noqa: F401 - collected here with the bucket's settings
    test_a_file_that_is_not_a_video_is_refused_and_nothing_is_stored,
    test_an_oversize_upload_gets_the_413_page_and_nothing_is_stored,
    test_uploading_an_mp4_stores_it_under_media_root,
    videos,
)

pytestmark = pytest.mark.app_config("s3_storage")
MB = 1024 * 1024


def test_an_upload_is_an_object_of_the_bucket_and_nothing_stays_on_the_disk(app, admin_client, s3_server,
                                                                             s3_bucket):
    assert post_upload(admin_client, upload_data("Colour bars")).status_code == 302
    [video] = videos()
    client = s3_server.client()
    assert bucket_keys(client, s3_bucket) == [video.file_key]
    stored = client.get_object(Bucket=s3_bucket, Key=video.file_key)
    assert stored["Body"].read() == DEMO_MP4.read_bytes() and stored["ContentType"] == "video/mp4"
    assert [path for path in stored_files(app) if path.is_file()] == []


@pytest.mark.parametrize("app_config", [{"S3_PART_SIZE_MB": 5, "MAX_UPLOAD_MB": 6,
                                         "MAX_CONTENT_LENGTH": 16 * MB}], indirect=True)
def test_an_upload_over_the_limit_after_a_part_went_up_leaves_no_object_and_no_parts(app, admin_client,
                                                                                     s3_server, s3_bucket):
    big = DEMO_MP4.read_bytes() + b"\0" * (7 * MB)
    response = post_upload(admin_client, upload_data("Too big", big))
    assert response.status_code == 413
    assert videos() == []
    client = s3_server.client()
    assert bucket_keys(client, s3_bucket) == []
    assert client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", []) == []


@pytest.mark.parametrize("app_config", [{"S3_PART_SIZE_MB": 5, "MAX_CONTENT_LENGTH": 16 * MB}], indirect=True)
def test_a_multipart_upload_is_stored_whole(app, admin_client, s3_server, s3_bucket):
    big = DEMO_MP4.read_bytes() + bytes(range(256)) * (45_000)  # about 11.5 MB: three parts
    assert post_upload(admin_client, upload_data("Long", big)).status_code == 302
    [video] = videos()
    assert video.size_bytes == len(big)
    assert s3_server.client().get_object(Bucket=s3_bucket, Key=video.file_key)["Body"].read() == big
