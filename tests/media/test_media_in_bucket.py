"""The media pipeline and the sweep with media kept in an S3 bucket (moto's server over HTTP)."""
import io
from pathlib import Path

import pytest
from PIL import Image

from tests import factories
from tests.media.test_probe import (  # noqa: F401 - collected here with the bucket's settings
    test_an_uploaded_mp4_with_its_index_at_the_end_is_remuxed_to_faststart,
)
from tests.support.media import store_object, stored_keys, stored_object
from webapp.media.posters import object_key
from webapp.media.storage import backend
from webapp.videos import services
from webapp.videos.caption_services import add_caption
from webapp.videos.processing import process_video

pytestmark = pytest.mark.app_config("s3_storage")


def test_an_upload_in_the_bucket_is_probed_with_a_poster_and_nothing_stays_on_the_disk(app, admin, media_clips,
                                                                                        admin_client):
    with media_clips["faststart.mp4"].open("rb") as stream:
        video = services.add_video_from_upload(admin, "Uploaded", stream)
    assert process_video(video.id, video.source_version)["outcome"] == "ready"
    with Image.open(io.BytesIO(stored_object(object_key(video.poster_key)))) as poster:
        assert poster.format == "JPEG"
    assert stored_keys() == sorted([video.file_key, object_key(video.poster_key)])
    assert [path for path in Path(app.config["MEDIA_ROOT"]).rglob("*") if path.is_file()] == []
    poster = admin_client.get(f"/videos/{video.id}/poster.jpg")
    assert poster.status_code == 200 and poster.data == stored_object(object_key(video.poster_key))
    assert admin_client.get(f"/videos/{video.id}/poster.jpg", headers={"If-None-Match": poster.headers["ETag"]}
                            ).status_code == 304
    caption = add_caption(None, video, io.BytesIO(b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"), "en", "English",
                          False)
    served = admin_client.get(f"/videos/{video.id}/captions/{caption.id}.vtt")
    assert served.status_code == 200 and served.data.startswith(b"WEBVTT") and b"Hi" in served.data
    assert served.headers["Content-Type"] == "text/vtt; charset=utf-8"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_the_sweep_removes_orphans_and_unfinished_uploads_of_the_bucket(app, corporation):
    kept = factories.make_video(corporation, file_key="b" * 32 + ".mp4", poster_key="7-" + "a" * 16 + ".jpg")
    caption = add_caption(None, kept, io.BytesIO(b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"), "en", "English", False)
    for key in (kept.file_key, "a" * 32 + ".mp4", "notes.txt", object_key(kept.poster_key),
                "posters/7-" + "b" * 16 + ".jpg", "captions/" + "e" * 32 + ".vtt"):
        store_object(key, b"bytes")
    assert services.sweep_media(3600) == []  # nothing is old enough
    # (moto dates every multipart upload 2010-11-10: their age limit cannot be shown against it)
    crashed = backend().create_multipart("c" * 32 + ".mp4")
    not_ours = backend().create_multipart("exports/report.csv")
    removed = {item["name"]: item["reason"] for item in services.sweep_media(-60)}
    assert removed == {"a" * 32 + ".mp4": "no video refers to it",
                       "posters/7-" + "b" * 16 + ".jpg": "no video uses this poster",
                       "captions/" + "e" * 32 + ".vtt": "no caption refers to it",
                       "c" * 32 + ".mp4": "unfinished upload"}
    assert stored_keys() == sorted([kept.file_key, "notes.txt", object_key(kept.poster_key),
                                    "captions/" + caption.file_key])
    assert [(u.key, u.upload_id) for u in backend().list_multipart_uploads()] == [("exports/report.csv", not_ours)]
    assert crashed != not_ours
    backend().abort_multipart("exports/report.csv", not_ours)
