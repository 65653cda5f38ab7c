"""The API's uploads with media kept in an S3 bucket (moto's server over HTTP): the same specifications."""
import pytest

from tests.api.test_api_videos import (  # noqa: F401 - collected here with the bucket's settings
    test_upload_a_file,
    test_upload_of_something_that_is_not_a_video_is_400,
    test_upload_over_the_limit_is_413_and_leaves_nothing,
)

pytestmark = pytest.mark.app_config("s3_storage")
