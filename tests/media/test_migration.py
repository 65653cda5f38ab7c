"""`flask media migrate --to s3|local`: every stored file rows refer to is copied, each copy verified;
a run that stops is continued by the next one, which checks and skips what is already there."""
import io
import os
import signal

import pytest

from tests import factories
from tests.support.processes import Process, process_env, wait_until
from tests.support.s3 import bucket_keys
from webapp.core.clock import utcnow
from webapp.media.backends import LocalBackend
from webapp.media.storage import backend
from webapp.videos.caption_services import add_caption

pytestmark = pytest.mark.app_config("s3_storage", STORAGE_BACKEND="local")


@pytest.fixture
def library(app, corporation, admin):
    """Files under MEDIA_ROOT for an upload with a poster, a trashed upload, a caption file and a URL
    video (nothing stored): {key: bytes}."""
    files = {"a" * 32 + ".mp4": b"\0\0\0\x18ftypmp42" + os.urandom(9 * 1024 * 1024),  # two S3 parts
             "b" * 32 + ".webm": b"\x1a\x45\xdf\xa3" + os.urandom(3000),
             "posters/1-" + "c" * 16 + ".jpg": os.urandom(2000)}
    for key, data in files.items():
        backend().save_bytes(key, data)
    factories.make_video(corporation, file_key="a" * 32 + ".mp4", poster_key="1-" + "c" * 16 + ".jpg")
    trashed = factories.make_video(corporation, file_key="b" * 32 + ".webm", deleted_at=utcnow(),
                                   deleted_by_id=admin.id)
    factories.make_video(corporation)  # a URL video: nothing to move
    caption = add_caption(None, trashed, io.BytesIO(b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"), "en", "English",
                          False)
    key = f"captions/{caption.file_key}"
    files[key] = LocalBackend(app.config["MEDIA_ROOT"]).read_range(key, 0, caption.size_bytes - 1)
    return files


def run(app, *args):
    return app.test_cli_runner().invoke(args=["media", "migrate", *args])


def bucket_bytes(s3_server, bucket):
    client = s3_server.client()
    return {key: client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in bucket_keys(client, bucket)}


def test_migrating_to_s3_in_two_runs_copies_and_verifies_everything(app, library, s3_server, s3_bucket):
    first = run(app, "--to", "s3", "--limit", "2")
    assert first.exit_code == 0, first.output
    assert first.output.count("SHA-256 verified") == 2 and "run again to continue" in first.output
    second = run(app, "--to", "s3")
    assert second.exit_code == 0, second.output
    assert second.output.count("\nalready there ") + second.output.startswith("already there ") == 2
    assert second.output.count("SHA-256 verified") == 2
    assert "copied 2" in second.output and "missing 0, failed 0" in second.output
    assert bucket_bytes(s3_server, s3_bucket) == library
    assert all(LocalBackend(app.config["MEDIA_ROOT"]).exists(key) for key in library)  # kept without --delete-source


def test_a_damaged_or_partial_copy_in_the_bucket_is_copied_again(app, library, s3_server, s3_bucket):
    assert run(app, "--to", "s3").exit_code == 0
    client = s3_server.client()
    video_key, webm_key = "a" * 32 + ".mp4", "b" * 32 + ".webm"
    damaged = bytearray(library[video_key])
    damaged[-1] ^= 0xFF  # same size, last byte differs
    client.put_object(Bucket=s3_bucket, Key=video_key, Body=bytes(damaged))
    client.put_object(Bucket=s3_bucket, Key=webm_key, Body=library[webm_key][:100])
    again = run(app, "--to", "s3")
    assert again.exit_code == 0, again.output
    assert f"copied {video_key}" in again.output and f"copied {webm_key}" in again.output
    assert bucket_bytes(s3_server, s3_bucket) == library


def test_a_file_in_neither_storage_is_reported_and_fails_the_run(app, library, s3_server, s3_bucket):
    LocalBackend(app.config["MEDIA_ROOT"]).delete("b" * 32 + ".webm")
    result = run(app, "--to", "s3")
    assert result.exit_code == 1
    assert f"missing {'b' * 32}.webm: in neither storage" in result.output and "missing 1" in result.output
    assert len(bucket_keys(s3_server.client(), s3_bucket)) == len(library) - 1


def test_migrating_back_to_local_with_delete_source_empties_the_bucket(app, library, s3_server, s3_bucket):
    assert run(app, "--to", "s3", "--delete-source").exit_code == 0
    local = LocalBackend(app.config["MEDIA_ROOT"])
    assert not any(local.exists(key) for key in library)
    back = run(app, "--to", "local", "--delete-source")
    assert back.exit_code == 0, back.output
    assert {key: local.read_range(key, 0, len(data) - 1) for key, data in library.items()} == library
    assert bucket_keys(s3_server.client(), s3_bucket) == []


@pytest.mark.slow
def test_a_migration_killed_in_the_middle_of_a_copy_is_finished_by_the_next_run(app, corporation, database_url,
                                                                                tmp_path, s3_storage, s3_server,
                                                                                s3_bucket):
    small, big = "d" * 32 + ".mp4", "e" * 32 + ".mp4"
    files = {small: b"\0\0\0\x18ftypmp42" + os.urandom(1000),
             big: b"\0\0\0\x18ftypmp42" + os.urandom(64 * 1024 * 1024)}
    for key, data in files.items():
        backend().save_bytes(key, data)
        factories.make_video(corporation, file_key=key)
    env = process_env(database_url, app.config["REDIS_URL"], tmp_path, **{**s3_storage, "STORAGE_BACKEND": "local"},
                      S3_PART_SIZE_MB=5)
    migrating = Process("migrate", env, tmp_path, command="flask --app wsgi media migrate --to s3")
    client = s3_server.client()
    try:
        wait_until(lambda: client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads"), deadline=60,
                   message="the copy of the big file to begin")
        os.killpg(migrating.popen.pid, signal.SIGKILL)
        migrating.popen.wait(timeout=10)
    finally:
        migrating.stop()
    assert f"copied {small}" in migrating.log and f"copied {big}" not in migrating.log
    assert bucket_keys(client, s3_bucket) == [small]  # the unfinished copy is not an object
    resumed = run(app, "--to", "s3")
    assert resumed.exit_code == 0, resumed.output
    assert f"already there {small}" in resumed.output and f"copied {big}" in resumed.output
    assert bucket_bytes(s3_server, s3_bucket) == files
