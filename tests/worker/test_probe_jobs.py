"""The Procfile's worker probes videos for real: added by URL → ready with its duration and a JPEG
poster, then the poster from a frame an admin picked; a video nobody queued is picked up by the backfill;
a killed last attempt leaves `failed`."""
import io
import os
import signal
from pathlib import Path

import pytest
from PIL import Image
from rq.job import Job
from sqlalchemy import select

from tests import factories
from tests.support.media import stored_object
from tests.support.processes import wait_until
from webapp.core.extensions import db
from webapp.media import probe
from webapp.media.posters import object_key
from webapp.models import Video
from webapp.videos import poster_services, services
from webapp.videos.status import detail, poster_detail
from worker import jobs

pytestmark = [pytest.mark.slow]


def row(video_id) -> Video:
    db.session.rollback()  # a fresh look at what the worker wrote
    return db.session.scalar(select(Video).where(Video.id == video_id))


def settled(video_id):
    video = row(video_id)
    return video if video.status != "processing" else None


def poster_made(video_id):
    video = row(video_id)
    return video if video.poster_state is None else None


def start_worker(start, origin, **settings):
    return start("worker", VIDEO_SOURCE_ALLOWED_HOSTS=f"127.0.0.1:{origin.port}", **settings)


def test_the_worker_probes_a_video_added_by_url_makes_a_picked_frame_and_the_backfill_finds_forgotten_ones(
        app, admin, corporation, start, origin, clip_url):
    worker = start_worker(start, origin)
    video = services.add_video_from_url(admin, "Product tour", clip_url("faststart.mp4", "tour.mp4"))

    done = wait_until(lambda: settled(video.id), deadline=60, message="the worker to probe the video")
    assert done.status == "ready", detail(done)
    assert done.duration_seconds == pytest.approx(1.5, abs=0.1)
    with Image.open(io.BytesIO(stored_object(object_key(done.poster_key)))) as poster:
        assert poster.format == "JPEG" and poster.width == 160
    worker.wait_for_log(f"probe of video {video.id} v1: ready")

    # An admin picks the poster from a frame: the worker makes it, and only then is it the poster.
    automatic = done.poster_key
    poster_services.request_frame(admin, done, 0.9)
    framed = wait_until(lambda: poster_made(video.id), deadline=60, message="the worker to make the poster")
    assert (framed.poster_kind, framed.poster_at_seconds) == ("frame", 0.9) and framed.poster_key != automatic
    with Image.open(io.BytesIO(stored_object(object_key(framed.poster_key)))) as poster:
        assert poster.format == "JPEG" and poster.width == 160
    worker.wait_for_log(f"poster of video {video.id}: made from the frame at 0.90 s")

    # A video written without a job (from before processing existed, or while Redis was away).
    forgotten = factories.make_video(corporation, title="Old one", source_url=clip_url("vp9.webm", "old.webm"))
    assert jobs.probe_backfill()["queued"] == 1
    assert wait_until(lambda: settled(forgotten.id), deadline=60).container == "webm"
    assert jobs.probe_backfill() == {"queued": 0, "waiting": 0, "failed": 0}


@pytest.mark.app_config(JOB_RETRY_DELAYS=[])
def test_a_killed_last_attempt_leaves_the_video_failed_with_a_reason(app, admin, start, origin, tmp_path):
    worker = start_worker(start, origin, JOB_RETRY_DELAYS="")
    url = origin.add_trickle("stuck.mp4", 2000, 0.05)  # the probe hangs reading it
    worker.wait_for_log("Scheduler for default started")  # rq's scheduler runs in a child process too
    before = children(worker.popen.pid)
    video = services.add_video_from_url(admin, "Stuck", url)
    horse = wait_until(lambda: (children(worker.popen.pid) - before or {None}).pop(), deadline=30,
                       message="the job's work horse to start")
    wait_until(lambda: any(entry[1] == "/stuck.mp4" for entry in origin.requests), message="the probe to read")
    os.kill(horse, signal.SIGKILL)

    done = wait_until(lambda: settled(video.id), deadline=30, message="the video to leave processing")
    assert done.status == "failed"
    assert "Processing stopped unexpectedly" in detail(done)
    assert worker.alive()


@pytest.mark.app_config(JOB_RETRY_DELAYS=[], PROBE_JOB_TIMEOUT=2)
def test_a_probe_that_runs_out_of_time_fails_with_a_reason(app, admin, start, origin):
    start_worker(start, origin, JOB_RETRY_DELAYS="")
    video = services.add_video_from_url(admin, "Slow", origin.add_trickle("slow-job.mp4", 2000, 0.05))
    done = wait_until(lambda: settled(video.id), deadline=30, message="the job's time limit")
    assert done.status == "failed"
    assert detail(done).startswith("Processing took too long (over the job's time limit)")


def children(pid: int) -> set[int]:
    """Child processes of a process (rq forks a work horse per job)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(child) for child in (task / "children").read_text().split())
    return found


def test_flask_videos_probe_runs_the_probe_by_hand(app, corporation, clip_url):
    ready = factories.make_video(corporation, title="Tour", source_url=clip_url("faststart.mp4", "cli.mp4"))
    broken = factories.make_video(corporation, title="Sound", source_url=clip_url("audio-only.mp4", "cli.m4a"))
    result = app.test_cli_runner().invoke(args=["videos", "probe", str(ready.id), str(broken.id)])
    assert result.exit_code == 0, result.output
    assert f"#{ready.id}: ready" in result.output
    assert f"#{broken.id}: failed: The file has sound only" in result.output
    assert row(ready.id).source_version == 2  # probed again as a new version: no older job can overwrite it
    everything = app.test_cli_runner().invoke(args=["videos", "probe", "--all"])
    assert everything.exit_code == 0 and everything.output.count(": ready") == 1
    assert app.test_cli_runner().invoke(args=["videos", "probe"]).exit_code == 2
    missing = app.test_cli_runner().invoke(args=["videos", "probe", "999999"])
    assert missing.exit_code == 1 and "#999999: no such video" in missing.output


def test_a_poster_request_nobody_queued_is_queued_by_the_backfill_and_a_killed_one_fails(
        app, admin, corporation, redis_conn):
    video = factories.make_video(corporation, title="Tour", status="ready", duration_seconds=10.0)
    poster_services.request_frame(admin, video, 3)
    redis_conn.flushdb()  # as if Redis had been away when the request was committed
    assert jobs.probe_backfill() == {"queued": 1, "waiting": 0, "failed": 0}
    job = Job.fetch(poster_services.frame_job_id(video.id, 1), connection=redis_conn)
    assert (job.func_name, job.args) == ("worker.jobs.make_poster", (video.id, 1, 1))
    assert jobs.probe_backfill() == {"queued": 0, "waiting": 1, "failed": 0}

    job.retries_left = 0  # its last attempt's process was killed
    jobs.probe_killed(job)
    killed = row(video.id)
    assert killed.poster_state == "failed"
    assert poster_detail(killed).startswith("Processing stopped unexpectedly")


@pytest.mark.app_config("s3_storage")
def test_the_worker_remuxes_and_makes_the_poster_of_an_upload_kept_in_a_bucket(app, admin, start, origin, media_clips,
                                                                              s3_storage, tmp_path):
    worker = start_worker(start, origin, **s3_storage, MEDIA_ROOT=tmp_path / "worker-scratch")
    with media_clips["moov-at-end.mp4"].open("rb") as stream:
        video = services.add_video_from_upload(admin, "Uploaded", stream)
    done = wait_until(lambda: settled(video.id), deadline=60, message="the worker to probe the upload")
    assert done.status == "ready" and done.faststart is True, detail(done)
    data = stored_object(done.file_key)
    assert probe.mp4_layout(io.BytesIO(data), len(data)) == (True, False) and done.size_bytes == len(data)
    with Image.open(io.BytesIO(stored_object(object_key(done.poster_key)))) as poster:
        assert poster.format == "JPEG"
    worker.wait_for_log(f"remux: {done.file_key} rewritten with its index first")
    assert [path for path in (tmp_path / "worker-scratch").rglob("*") if path.is_file()] == []
