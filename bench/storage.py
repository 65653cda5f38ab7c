"""Local disk against an S3 bucket: upload and stream throughput, and the web worker's peak memory
during a large upload, through each storage backend, all on 127.0.0.1 in one run.

Starts moto's S3 server (the tests' S3 server, which checks signatures; MinIO or AWS will differ
in speed, not in the app's memory), a throwaway PostgreSQL database, and for each path the app under
gunicorn (the production worker class from gunicorn.conf.py, one worker). Logs in through the real
form, uploads a 1 MB then a SIZE MB MP4, then downloads it whole from the stream route (relay mode:
the app reads the bytes; curl into /dev/null). Three paths:

- local, s3: the file goes through the upload page (the multipart body streamed from disk);
- s3 direct: the file goes straight to the bucket as upload.js sends a file of DIRECT_UPLOAD_MIN_MB
  and more: a ticket from the app, presigned part URLs asked for 10 at a time, each part PUT to the
  bucket one after another (read from disk as it is sent), then the app is asked to finish.

The worker's resident memory is sampled every 20 ms; figures are printed with their ratio to the
local backend, measured in the same run.

    .venv/bin/python bench/storage.py [--size-mb 1024]
"""
import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stream import QUIET, Gunicorn, RssPeak, curl, free_port, rss_kib  # noqa: E402
from bench.throwaway_db import throwaway_database  # noqa: E402
from bench.upload_memory import BOUNDARY, MP4_HEAD, write_body  # noqa: E402
from tests.support.s3 import MotoServer  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
PASSWORD = "bench-password-2026"
MB = 1024 * 1024
URL_BATCH = 10  # part URLs asked for at once, as upload.js does


def setup_database(database_url: str, media_root: Path) -> None:
    """Migrate the throwaway database and add one company with an admin."""
    os.environ.update({"DATABASE_URL": database_url, "APP_ENV": "development", "SECRET_KEY": "bench-secret"})
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.core.clock import utcnow
    from webapp.core.extensions import db
    from webapp.models import Corporation, User

    app = create_app(overrides={"MEDIA_ROOT": str(media_root)})
    with app.app_context():
        upgrade()
        corporation = Corporation(name="Bench Co", activated_at=utcnow())
        admin = User(corporation=corporation, email="admin@bench.example", role="admin")
        admin.set_password(PASSWORD)
        db.session.add_all([corporation, admin])
        db.session.commit()
        db.engine.dispose()


def latest_video_id(database_url: str) -> int:
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    with psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT id FROM videos ORDER BY id DESC LIMIT 1")
            return cur.fetchone()[0]


def csrf_token(session, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(url).text).group(1)


def write_video(path: Path, size_mb: int) -> None:
    """A file of size_mb MB that starts like an MP4 (the bytes the upload page would send)."""
    chunk = b"\0" * MB
    with open(path, "wb") as out:
        out.write(MP4_HEAD + chunk[len(MP4_HEAD):])
        for _ in range(size_mb - 1):
            out.write(chunk)


class FilePart:
    """`length` bytes of an open file from `offset`, read piece by piece while requests sends them
    (its length gives the Content-Length a presigned PUT needs)."""

    def __init__(self, file, offset: int, length: int):
        file.seek(offset)
        self.file, self.length, self.left = file, length, length

    def __len__(self) -> int:
        return self.length

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(self.left if size is None or size < 0 else min(size, self.left))
        self.left -= len(data)
        return data


def json_call(session, url: str, body: dict, csrf: str) -> dict:
    """One of upload.js's JSON calls (CSRF token in the header); return the answer's JSON."""
    response = session.post(url, json=body, headers={"X-CSRFToken": csrf})
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
    return response.json()


def put_parts(session, base: str, ticket: dict, path: Path, csrf: str) -> None:
    """PUT every part of the file straight to its presigned URL, in order, URL_BATCH URLs at a time."""
    size, part_size = path.stat().st_size, ticket["part_size"]
    bucket = requests.Session()  # the bucket's connection, kept alive; the app's cookie is not sent there
    with open(path, "rb") as file:
        for first in range(1, ticket["parts"] + 1, URL_BATCH):
            numbers = list(range(first, min(first + URL_BATCH, ticket["parts"] + 1)))
            urls = json_call(session, f"{base}/videos/upload/direct/parts",
                             {"token": ticket["token"], "numbers": numbers}, csrf)["urls"]
            for number in numbers:
                offset = (number - 1) * part_size
                part = FilePart(file, offset, min(part_size, size - offset))
                bucket.put(urls[str(number)], data=part, timeout=300).raise_for_status()


def direct_upload(session, base: str, work: Path, size_mb: int, name: str) -> float:
    """Upload a size_mb MB file straight to the bucket (ticket, parts, finish); return the seconds it took."""
    video = work / "video.mp4"
    write_video(video, size_mb)
    csrf = csrf_token(session, f"{base}/videos/upload")
    started = time.perf_counter()
    ticket = json_call(session, f"{base}/videos/upload/direct",
                       {"size": size_mb * MB, "type": "video/mp4", "title": "Bench upload"}, csrf)
    put_parts(session, base, ticket, video, csrf)
    response = session.post(f"{base}/videos/upload/direct/finish", headers={"X-Requested-With": "XMLHttpRequest"},
                            data={"csrf_token": csrf, "title": "Bench upload", "token": ticket["token"]})
    seconds = time.perf_counter() - started
    video.unlink()
    if response.status_code != 201:
        raise RuntimeError(f"{name}: finishing answered {response.status_code}: {response.text[:300]}")
    return seconds


def form_upload(session, base: str, work: Path, size_mb: int, name: str) -> float:
    """Upload a size_mb MB file through the upload page; return the seconds it took."""
    token = csrf_token(session, f"{base}/videos/upload")
    body = work / "body"
    length = write_body(body, size_mb, {"title": "Bench upload", "csrf_token": token})
    with open(body, "rb") as stream:
        started = time.perf_counter()
        response = session.post(f"{base}/videos/upload", data=stream, allow_redirects=False, headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "Content-Length": str(length)})
        seconds = time.perf_counter() - started
    body.unlink()
    if response.status_code != 302:
        raise RuntimeError(f"{name}: upload answered {response.status_code}: {response.text[:300]}")
    return seconds


def run_backend(name: str, env: dict, upload, size_mb: int, work: Path, database_url: str) -> dict:
    """Upload (with `upload`: form_upload or direct_upload) and stream once through one backend; return the figures."""
    web = Gunicorn({**env, "DATABASE_URL": database_url, "MEDIA_ROOT": str(work / f"media-{name.replace(' ', '-')}"),
                    "SECRET_KEY": "bench-secret", "REDIS_URL": REDIS_URL, "APP_ENV": "development",
                    "MAX_UPLOAD_MB": str(size_mb + 16), "SESSION_COOKIE_SECURE": "0", **QUIET}, free_port())
    try:
        base = f"http://127.0.0.1:{web.port}"
        session = requests.Session()
        session.post(f"{base}/login", data={"email": "admin@bench.example", "password": PASSWORD,
                                            "csrf_token": csrf_token(session, f"{base}/login")}).raise_for_status()
        pid = web.worker_pid
        upload(session, base, work, 1, name)  # warm-up: the first upload loads the backend's modules
        idle = rss_kib(pid)
        sampler = RssPeak(pid)
        sampler.start()
        upload_s = upload(session, base, work, size_mb, name)
        upload_peak = sampler.stop()
        video_id = latest_video_id(database_url)
        cookie = "session=" + session.cookies.get("session")
        before_stream = rss_kib(pid)
        sampler = RssPeak(pid)
        sampler.start()
        _, stream_s, got = curl(f"{base}/videos/{video_id}/stream", cookie)
        stream_peak = sampler.stop()
        if got != size_mb * 1024 * 1024:
            raise RuntimeError(f"{name}: streamed {got} bytes")
        return {"upload_mbps": size_mb / upload_s, "upload_s": upload_s, "idle_kib": idle,
                "upload_peak_kib": upload_peak, "stream_mbps": size_mb / stream_s,
                "stream_growth_kib": stream_peak - before_stream, "stream_peak_kib": stream_peak}
    finally:
        web.stop()


def run_all(size_mb: int, work: Path, s3: dict) -> dict:
    """The figures of each path, each under its own gunicorn, on one throwaway database."""
    paths = {"local": ({"STORAGE_BACKEND": "local"}, form_upload), "s3": (s3, form_upload),
             # the page then sends every file of 1 MB and more directly, the warm-up's too
             "s3 direct": ({**s3, "DIRECT_UPLOAD_MIN_MB": "1"}, direct_upload)}
    with throwaway_database(PG_ADMIN) as database_url:
        setup_database(database_url, work / "setup-media")
        return {name: run_backend(name, env, upload, size_mb, work, database_url)
                for name, (env, upload) in paths.items()}


def print_results(size_mb: int, results: dict) -> None:
    base = results["local"]
    print(f"{size_mb} MB upload (local, s3: through the upload page; s3 direct: PUT in presigned parts straight "
          f"to the bucket), then streamed whole (relay mode), gunicorn "
          f"({os.environ.get('WEB_WORKER_CLASS', 'gevent')}, 1 worker), S3 = moto server, all on 127.0.0.1")
    print(f"{'backend':10} {'upload MB/s':>12} {'x local':>8} {'stream MB/s':>12} {'x local':>8} "
          f"{'worker peak MiB (upload)':>25} {'x local':>8} {'growth MiB':>11} {'stream growth MiB':>18}")
    print("(growth: over the worker's resident memory after a 1 MB warm-up upload by the same path)")
    for name, row in results.items():
        print(f"{name:10} {row['upload_mbps']:12.0f} {row['upload_mbps'] / base['upload_mbps']:8.2f} "
              f"{row['stream_mbps']:12.0f} {row['stream_mbps'] / base['stream_mbps']:8.2f} "
              f"{row['upload_peak_kib'] / 1024:25.1f} {row['upload_peak_kib'] / base['upload_peak_kib']:8.2f} "
              f"{(row['upload_peak_kib'] - row['idle_kib']) / 1024:11.1f} {row['stream_growth_kib'] / 1024:18.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reelhouse-storage-bench-") as folder:
        work = Path(folder)
        moto = MotoServer(work).wait()
        try:
            bucket = "reelhouse-bench"
            moto.client().create_bucket(Bucket=bucket)
            results = run_all(args.size_mb, work, moto.settings(bucket))
        finally:
            moto.stop()
    print_results(args.size_mb, results)


if __name__ == "__main__":
    main()
