"""Probing real clips through the guarded Range reader: what people are told about each kind of file
and source, how little of a big file is read, and that only the current source's result is kept."""
import io
import threading

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.wrappers import Response

from tests import factories
from tests.support.clips import padded_mp4
from tests.support.media import stored_keys, stored_object
from webapp.core.extensions import db
from webapp.media import probe
from webapp.media.posters import object_key
from webapp.media.source import SourceError
from webapp.models import Video
from webapp.videos import processing, services
from webapp.videos.status import detail


def probed(video, **kwargs) -> Video:
    """Run the probe job's body for the video's current source, then read the row again."""
    processing.process_video(video.id, video.source_version, **kwargs)
    db.session.expire_all()
    return db.session.get(Video, video.id)


def url_video(corporation, url, title="Clip"):
    return factories.make_video(corporation, title=title, source_url=url)


@pytest.mark.parametrize("name, container, video_codec, audio_codec, faststart", [
    ("faststart.mp4", "mp4", "h264", "aac", True),
    ("moov-at-end.mp4", "mp4", "h264", "aac", False),
    ("vp9.webm", "webm", "vp9", "opus", None),
])
def test_a_playable_clip_is_ready_with_its_facts_and_a_poster(corporation, clip_url, name, container,
                                                             video_codec, audio_codec, faststart):
    video = probed(url_video(corporation, clip_url(name)))
    assert video.status == "ready" and detail(video) is None
    assert (video.container, video.video_codec, video.audio_codec) == (container, video_codec, audio_codec)
    assert (video.width, video.height) == (160, 120)
    assert video.duration_seconds == pytest.approx(1.5, abs=0.1)
    assert video.faststart is faststart and video.supports_range is True and video.bitrate > 0
    with Image.open(io.BytesIO(stored_object(object_key(video.poster_key)))) as poster:
        assert poster.format == "JPEG" and poster.size == (160, 120)
        assert max(poster.convert("L").getextrema()) > 100  # not the black first frames


@pytest.mark.parametrize("name, reason", [
    ("hevc.mp4", "H.265/HEVC video does not play in most browsers"),
    ("audio-only.mp4", "sound only, no picture"),
    ("h264.mkv", "Matroska (MKV) files do not play in browsers"),
    ("truncated.mp4", "cut short (truncated)"),
    ("empty.mp4", "The file is empty"),
])
def test_a_clip_browsers_cannot_play_fails_at_once_with_a_reason(corporation, clip_url, name, reason):
    video = probed(url_video(corporation, clip_url(name)), last_attempt=False)  # no retry needed to know
    assert video.status == "failed" and reason in detail(video)
    assert video.poster_key is None and video.processed_at is not None


def test_a_missing_or_non_video_source_is_retried_then_fails_with_the_reason(corporation, origin):
    missing = url_video(corporation, origin.url("nowhere.mp4"))
    with pytest.raises(SourceError):  # an attempt with retries left raises: rq retries it with backoff
        processing.process_video(missing.id, missing.source_version, last_attempt=False)
    assert db.session.get(Video, missing.id).status == "processing"
    assert detail(probed(missing)) == "The video source answered with HTTP status 404."
    page = url_video(corporation, origin.add_answer("listing", 200, "text/html", b"<html><a href=x>x</a></html>"))
    assert detail(probed(page)) == "The video source did not send a video."


def test_an_origin_without_range_support_is_ready_with_a_seeking_warning(corporation, origin, media_clips):
    data = media_clips["faststart.mp4"].read_bytes()
    url = origin.add_answer("no-range.mp4", 200, "video/mp4", data)
    video = probed(url_video(corporation, url))
    assert video.status == "ready" and video.supports_range is False
    assert "Seeking will not work" in detail(video)
    assert video.duration_seconds == pytest.approx(1.5, abs=0.1)


@pytest.mark.app_config(PROBE_READ_DEADLINE=1)
def test_a_trickling_origin_fails_as_too_slow(corporation, origin):
    video = probed(url_video(corporation, origin.add_trickle("slow.mp4", 100_000, 0.05)))
    assert video.status == "failed" and "too slow" in detail(video)


@pytest.mark.parametrize("index_at_end", [False, True])
def test_a_big_file_is_probed_from_a_few_range_requests(corporation, origin, media_clips, tmp_path, index_at_end):
    clip = media_clips["moov-at-end.mp4" if index_at_end else "faststart.mp4"]
    size = 64 * 1024 * 1024
    padded_mp4(clip, origin.root / "big.mp4", size, index_at_end=index_at_end)
    video = probed(url_video(corporation, origin.url("big.mp4")))
    assert video.status == "ready" and video.faststart is (not index_at_end) and video.size_bytes == size
    ranges = [entry[2] for entry in origin.requests if entry[1] == "/big.mp4"]
    assert ranges and all(r and r.startswith("bytes=") for r in ranges)
    read = sum(int(r.split("-")[1]) - int(r[6:].split("-")[0]) + 1 for r in ranges)
    assert read <= 4 * 1024 * 1024, f"{read} bytes read in {len(ranges)} requests"


def test_an_uploaded_mp4_with_its_index_at_the_end_is_remuxed_to_faststart(admin, media_clips):
    with media_clips["moov-at-end.mp4"].open("rb") as stream:
        video = services.add_video_from_upload(admin, "Uploaded", stream)
    video = probed(video)
    data = stored_object(video.file_key)
    assert probe.mp4_layout(io.BytesIO(data), len(data)) == (True, False)
    assert video.status == "ready" and video.faststart is True and video.size_bytes == len(data)
    assert video.duration_seconds == pytest.approx(1.5, abs=0.1)
    assert [key for key in stored_keys() if key.endswith(".part")] == []


def test_a_result_for_a_source_changed_meanwhile_is_not_written(app, admin, origin, clip_url):
    """The first source answers slowly; while it is probed the admin changes the URL. The old
    probe's result is dropped and the video waits for the new source's probe."""
    release = threading.Event()
    first = clip_url("hevc.mp4", "first.mp4")
    origin.answers["first.mp4"] = lambda request: (release.wait(10), ranged_file(origin.root / "first.mp4", request))[1]
    video = services.add_video_from_url(admin, "Changing", first)
    version = video.source_version
    outcome = []

    def job():
        with app.app_context():
            outcome.append(processing.process_video(video.id, version))

    worker = threading.Thread(target=job)
    worker.start()
    try:
        services.update_video(admin, video, source_url=clip_url("faststart.mp4", "second.mp4"))
    finally:
        release.set()
        worker.join(20)
    assert outcome == [{"video": video.id, "outcome": "skipped"}]
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert video.source_version == version + 1
    assert video.status == "processing" and video.video_codec is None  # the HEVC result was dropped
    assert probed(video).video_codec == "h264"


def ranged_file(path, request):
    """The file as the origin serves it, with Range support."""
    data = path.read_bytes()
    response = Response(data, mimetype="video/mp4")
    response.make_conditional(request, accept_ranges=True, complete_length=len(data))
    return response


def test_videos_waiting_lists_only_those_still_processing(corporation, clip_url):
    waiting = url_video(corporation, clip_url("faststart.mp4"))
    done = probed(url_video(corporation, clip_url("vp9.webm")))
    ids = [video_id for video_id, _ in processing.videos_waiting()]
    assert waiting.id in ids and done.id not in ids
    assert db.session.scalar(select(Video.status).where(Video.id == done.id)) == "ready"


@pytest.mark.app_config(PROBE_FORWARD_MAX_MB=1)
def test_an_index_at_the_end_beyond_what_an_origin_without_range_sends_fails_with_that_reason(
        corporation, origin, media_clips, tmp_path):
    """Read forward only up to PROBE_FORWARD_MAX_MB: the index is not in that part, and the reason says so."""
    padded_mp4(media_clips["moov-at-end.mp4"], tmp_path / "big-end.mp4", 4 * 1024 * 1024, index_at_end=True)
    url = origin.add_answer("no-range-end.mp4", 200, "video/mp4", (tmp_path / "big-end.mp4").read_bytes())
    video = probed(url_video(corporation, url))
    assert video.status == "failed" and video.supports_range is False
    assert detail(video).startswith("The video's index is at the end of the file and its source does not support")
