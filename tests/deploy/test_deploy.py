"""The production stack, proven without Docker: compose file, gunicorn, worker, scheduler and real nginx.

One stack per module: gunicorn (gunicorn.conf.py, APP_ENV=production) against the run's PostgreSQL
database and a throwaway Redis, the Procfile's worker and scheduler, and nginx with nginx/nginx.conf
rendered for local paths. Every request below goes through nginx.
"""
import io
import json
import os
import re
import shutil
import socket
import subprocess

import pytest
import requests
import yaml
from flask import url_for
from redis import Redis
from rq import Queue
from rq_scheduler import Scheduler
from sqlalchemy import select

from tests import factories
from tests.support.deploy_stack import MAX_UPLOAD_MB, render_nginx_config
from tests.support.helpers import CSRF_RE
from tests.support.processes import ROOT as REPO
from tests.support.processes import child_pids, connections_held_by, wait_until
from webapp.core.extensions import db
from webapp.models import AuditEvent, Video
from webapp.videos.services import add_video_from_upload
from worker.schedule import EXPIRE_PLANS_JOB_ID

pytestmark = pytest.mark.slow

MB = 1024 * 1024
DOCKER_COMPOSE = shutil.which("docker-compose")
DEMO_CLIP = REPO / "webapp" / "demo_media" / "colour-bars.mp4"


def gunicorn_access_log(stack) -> str:
    path = stack.logs / "gunicorn-access.log"
    return path.read_text() if path.exists() else ""


def app_request_lines(stack) -> list[dict]:
    """The app's structured request log lines (JSON on gunicorn's stderr)."""
    lines = []
    for line in stack.processes["web"].log.splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("event") == "request":
                lines.append(entry)
    return lines


def nginx_access_log(stack) -> str:
    return (stack.logs / "access.log").read_text()


def logged_line(log: str, needle: str) -> str | None:
    """The first line of a log that contains `needle`."""
    return next((line for line in log.splitlines() if needle in line), None)


# --- docker-compose ------------------------------------------------------------------------------

def compose(project_dir, env_text, *args):
    """Run docker-compose on a copy of the repository's compose file next to a .env with env_text."""
    shutil.copy(REPO / "docker-compose.yml", project_dir / "docker-compose.yml")
    (project_dir / ".env").write_text(env_text)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run([DOCKER_COMPOSE, *args], cwd=project_dir, env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.skipif(DOCKER_COMPOSE is None, reason="docker-compose is not installed")
def test_compose_file_is_valid_with_the_example_settings(tmp_path):
    example = (REPO / ".env.example").read_text()
    result = compose(tmp_path, example, "config", "-q")
    assert result.returncode == 0, result.stderr

    config = compose(tmp_path, example, "config").stdout
    assert "service_completed_successfully" in config  # web waits for the migrations


def mounts(service) -> list[tuple]:
    """(source, target, read_only) of a service's volumes, from the short or the long syntax."""
    result = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target, *mode = volume.split(":")
            result.append((source, target, mode == ["ro"]))
        else:
            result.append((volume["source"], volume["target"], bool(volume.get("read_only"))))
    return result


REQUIRED_SETTINGS = "SECRET_KEY=k\nPOSTGRES_PASSWORD=p\nMINIO_ROOT_PASSWORD=m\nAWS_SECRET_ACCESS_KEY=a\n"


@pytest.mark.skipif(DOCKER_COMPOSE is None, reason="docker-compose is not installed")
def test_compose_gives_nginx_every_setting_its_templates_use(tmp_path):
    settings = REQUIRED_SETTINGS + "MAX_UPLOAD_MB=300\nPLAYBACK_URL_TTL=77\n"
    services = yaml.safe_load(compose(tmp_path, settings, "config").stdout)["services"]
    nginx_env = services["nginx"]["environment"]

    config = render_nginx_config(tmp_path / "nginx", nginx_env)  # fails on any setting left unset
    assert "client_max_body_size 307264k;" in config.read_text()  # 300 MB + 64 KiB, as the app allows
    assert "server web:8000 max_fails=2 fail_timeout=10s;" in config.read_text()
    for name in ("web", "worker", "scheduler", "migrate"):
        assert services[name]["environment"]["MEDIA_ROOT"] == nginx_env["MEDIA_ROOT"]
        assert services[name]["environment"]["MAX_UPLOAD_MB"] == nginx_env["MAX_UPLOAD_MB"]
        assert services[name]["environment"]["S3_ENDPOINT_URL"] == nginx_env["S3_ENDPOINT_URL"]
        assert services[name]["environment"]["S3_BUCKET"] == nginx_env["S3_BUCKET"]
        assert services[name]["environment"]["PLAYBACK_URL_TTL"] == "77"  # any setting passes from .env
    assert ("media", "/srv/media", True) in mounts(services["nginx"])
    assert ("media", "/srv/media", False) in mounts(services["web"])


@pytest.mark.skipif(DOCKER_COMPOSE is None, reason="docker-compose is not installed")
def test_compose_runs_replicas_on_shared_object_storage(tmp_path):
    services = yaml.safe_load(compose(tmp_path, REQUIRED_SETTINGS, "config").stdout)["services"]

    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["scheduler"]["deploy"]["replicas"] == 1
    app_env = services["web"]["environment"]
    assert app_env["STORAGE_BACKEND"] == "s3"
    assert app_env["S3_ENDPOINT_URL"] == "http://minio:9000"
    # the app's own key is the one minio-setup creates and allows the bucket
    setup_env = services["minio-setup"]["environment"]
    for name in ("S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert setup_env[name] == app_env[name] == services["worker"]["environment"][name]
    assert setup_env["MINIO_ROOT_PASSWORD"] == services["minio"]["environment"]["MINIO_ROOT_PASSWORD"] == "m"
    assert app_env["MINIO_ROOT_PASSWORD"] == ""  # the app never holds MinIO's administrator key
    assert (REPO / "deploy" / "minio-setup.sh").exists()
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["minio-setup"] == {"condition": "service_completed_successfully"}
    assert "ports" not in services["minio"]  # reached by the app and nginx only

    scaled = yaml.safe_load(compose(tmp_path, REQUIRED_SETTINGS + "WEB_REPLICAS=4\nWORKER_REPLICAS=3\n",
                                    "config").stdout)["services"]
    assert (scaled["web"]["deploy"]["replicas"], scaled["worker"]["deploy"]["replicas"]) == (4, 3)


@pytest.mark.skipif(DOCKER_COMPOSE is None, reason="docker-compose is not installed")
@pytest.mark.parametrize("missing", ["SECRET_KEY", "MINIO_ROOT_PASSWORD", "AWS_SECRET_ACCESS_KEY"])
def test_compose_refuses_to_start_without_a_secret(tmp_path, missing):
    settings = "".join(line + "\n" for line in REQUIRED_SETTINGS.splitlines() if not line.startswith(missing))
    result = compose(tmp_path, settings, "config", "-q")
    assert result.returncode != 0
    assert f"set {missing} in .env" in result.stderr


# --- the running stack ---------------------------------------------------------------------------

def test_pages_come_from_gunicorn_and_static_files_from_nginx(stack, log_in):
    admin = factories.make_admin(factories.make_corporation(name="Stack Co"), email="boss@stack.example.com")
    session = log_in(admin.email)

    home = session.get(f"{stack.url}/")
    assert home.status_code == 200
    assert "Stack Co" in home.text
    assert re.search(r'href="/static/css/app.css\?v=[0-9a-f]{12}"', home.text)
    for asset in ("css/app.css", "img/favicon.svg", "js/confirm.js"):
        hashed = re.search(rf'"(/static/{re.escape(asset)}\?v=[0-9a-f]+)"', home.text).group(1)
        response = requests.get(f"{stack.url}{hashed}")
        assert response.status_code == 200
        assert response.content == (REPO / "static" / asset).read_bytes()
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        plain = requests.get(f"{stack.url}/static/{asset}")
        assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache"
    assert home.headers["Cache-Control"] == "no-store"

    page_id = home.headers["X-Request-ID"]
    wait_until(lambda: logged_line(gunicorn_access_log(stack), f"rid={page_id} "))  # the page: gunicorn
    assert "/static/" not in gunicorn_access_log(stack)  # the files: nginx alone
    home_lines = wait_until(lambda: [entry for entry in app_request_lines(stack) if entry["path"] == "/"])
    assert home_lines[-1]["user_id"] == admin.id
    assert home_lines[-1]["status"] == 200


def test_request_id_is_shared_by_nginx_gunicorn_and_the_app(stack):
    traced = requests.get(f"{stack.url}/healthz", headers={"X-Request-ID": "trace-0123456789"})
    assert traced.headers["X-Request-ID"] == "trace-0123456789"

    generated = requests.get(f"{stack.url}/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)

    with_token = requests.get(f"{stack.url}/healthz?token=secret-playback-token").headers["X-Request-ID"]

    for request_id in ("trace-0123456789", generated, with_token):
        wait_until(lambda rid=request_id: f"rid={rid} " in gunicorn_access_log(stack))
        wait_until(lambda rid=request_id: rid in nginx_access_log(stack))
        entries = wait_until(lambda rid=request_id: [e for e in app_request_lines(stack) if e["request_id"] == rid])
        assert entries[0]["method"] == "GET"
        assert entries[0]["path"] == "/healthz"
        assert entries[0]["status"] == 200
        assert entries[0]["user_id"] is None
        assert entries[0]["duration_ms"] >= 0
    assert json.loads(logged_line(nginx_access_log(stack), with_token))["path"] == "/healthz"
    for log in (nginx_access_log(stack), gunicorn_access_log(stack), stack.processes["web"].log):
        assert "secret-playback-token" not in log  # query strings may carry tokens: never logged


def padded_mp4(size: int) -> bytes:
    """A real MP4 (the demo clip) grown to `size` bytes with a trailing 'free' box players skip."""
    clip = DEMO_CLIP.read_bytes()
    padding = size - len(clip)
    return clip + padding.to_bytes(4, "big") + b"free" + b"\0" * (padding - 8)


def endpoint_path(stack, endpoint, **values):
    """The URL path of an app endpoint."""
    with stack.app.test_request_context():
        return url_for(endpoint, **values)


def upload_through_nginx(stack, session, title, data):
    """Upload a file with the admin upload form, through nginx; returns the response."""
    path = endpoint_path(stack, "videos.upload")
    token = CSRF_RE.search(session.get(f"{stack.url}{path}").text).group(1)
    return session.post(f"{stack.url}{path}", data={"title": title, "csrf_token": token},
                        files={"file": ("clip.mp4", data, "video/mp4")}, allow_redirects=False)


def test_upload_near_the_limit_goes_through_and_one_over_it_gets_413(stack, log_in):
    corporation = factories.make_corporation(name="Upload Co")
    admin = factories.make_admin(corporation, email="boss@upload.example.com")
    near_limit = padded_mp4(MAX_UPLOAD_MB * MB - 4096)
    session = log_in(admin.email)

    response = upload_through_nginx(stack, session, "Near the limit", near_limit)
    assert response.status_code == 302, response.text
    video = db.session.scalar(select(Video).where(Video.corporation_id == corporation.id))
    assert (stack.media / video.file_key).read_bytes() == near_limit

    just_over = upload_through_nginx(stack, session, "Just over", padded_mp4(MAX_UPLOAD_MB * MB + 16 * 1024))
    assert just_over.status_code == 413
    assert f"{MAX_UPLOAD_MB} MB" in just_over.text  # the app's own page: nginx's limit is not tighter
    wait_until(lambda: logged_line(gunicorn_access_log(stack), f"rid={just_over.headers['X-Request-ID']} "))

    too_big = upload_through_nginx(stack, session, "Too big", padded_mp4(MAX_UPLOAD_MB * MB + 128 * 1024))
    assert too_big.status_code == 413
    assert too_big.headers["X-Request-ID"] not in gunicorn_access_log(stack)  # refused before the app


def test_video_bytes_come_from_nginx_while_the_app_only_authorises(stack, log_in):
    corporation = factories.make_corporation(name="Stream Co")
    admin = factories.make_admin(corporation, email="boss@stream.example.com")
    viewer = factories.make_user(corporation, email="viewer@stream.example.com")
    file_bytes = padded_mp4(MB + 12345)
    url_bytes = padded_mp4(MB + 54321)
    uploaded = add_video_from_upload(admin, "Uploaded", io.BytesIO(file_bytes))
    by_url = factories.make_video(corporation, title="By URL",
                                  source_url=stack.origin.add_file("deploy.mp4", url_bytes))
    session = log_in(viewer.email)

    for video, expected in ((uploaded, file_bytes), (by_url, url_bytes)):
        url = stack.url + endpoint_path(stack, "player.stream", video_id=video.id)
        full = session.get(url)
        assert full.status_code == 200
        assert full.content == expected
        assert full.headers["Content-Type"].startswith("video/mp4")
        ranged = session.get(url, headers={"Range": "bytes=100000-199999"})
        assert ranged.status_code == 206
        assert ranged.headers["Content-Range"] == f"bytes 100000-199999/{len(expected)}"
        assert ranged.content == expected[100000:200000]
        tail = session.get(url, headers={"Range": "bytes=-1000"})
        assert tail.status_code == 206
        assert tail.content == expected[-1000:]

        for response in (full, ranged, tail):
            request_id = response.headers["X-Request-ID"]
            app_line = wait_until(lambda rid=request_id: logged_line(gunicorn_access_log(stack), f"rid={rid} "))
            assert int(re.search(r" bytes=(\d+)", app_line).group(1)) < 1024, app_line  # only the authorisation
            nginx_line = wait_until(lambda rid=request_id: logged_line(nginx_access_log(stack), rid))
            assert json.loads(nginx_line)["bytes"] == len(response.content)  # nginx sent the video bytes

    assert ("GET", "/deploy.mp4", "bytes=100000-199999") in stack.origin.requests
    db.session.refresh(viewer)
    assert viewer.points == 2 * stack.app.config["VIEW_POINTS"]  # one credited view per video


def test_internal_offload_locations_are_not_reachable_from_outside(stack):
    (stack.media / "secret.mp4").write_bytes(b"not for you")
    assert requests.get(f"{stack.url}/_media/secret.mp4").status_code == 404
    assert requests.get(f"{stack.url}/_origin", headers={
        "X-Origin-Scheme": "http", "X-Origin-Address": f"127.0.0.1:{stack.origin.port}", "X-Origin-Path": "/"}
    ).status_code == 404


def test_worker_runs_jobs_and_scheduler_registers_the_plan_expiry(stack):
    lapsed = factories.make_corporation(name="Lapsed Co", plan="paid",
                                        plan_expires_at=factories.days_from_today(-1))
    with Redis.from_url(stack.redis.url) as connection:
        scheduler = Scheduler(connection=connection)
        wait_until(lambda: EXPIRE_PLANS_JOB_ID in scheduler, deadline=20, message="the scheduled job")

        job = Queue("default", connection=connection).enqueue("worker.jobs.expire_plans")
        wait_until(lambda: job.get_status(refresh=True) == "finished", deadline=20, message="the job to finish")
    db.session.refresh(lapsed)
    assert lapsed.plan == "free"  # the worker, in production configuration, changed the database
    for name in ("web", "worker", "scheduler"):
        assert stack.processes[name].alive(), stack.processes[name].log


def test_readyz_through_nginx_follows_redis(stack):
    """Runs last: it stops the stack's Redis."""
    assert requests.get(f"{stack.url}/readyz").status_code == 200
    stack.redis.stop()
    down = requests.get(f"{stack.url}/readyz")
    assert down.status_code == 503
    assert down.json()["checks"] == {"database": "ok", "redis": "unavailable"}
    stack.redis.start()
    wait_until(lambda: requests.get(f"{stack.url}/readyz").status_code == 200, deadline=10)


def test_the_audit_log_takes_the_client_address_from_nginx_not_from_the_client(stack, log_in):
    admin = factories.make_admin(factories.make_corporation(name="Audit Co"), email="boss@audit.example.com")
    session = log_in(admin.email)
    token = CSRF_RE.search(session.get(f"{stack.url}/account/").text).group(1)
    response = session.post(f"{stack.url}/sessions/log-out-others", data={"csrf_token": token},
                            headers={"X-Forwarded-For": "203.0.113.50"}, allow_redirects=False)
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).filter_by(action="sessions.revoked"))
    assert (event.actor_id, event.ip) == (admin.id, "127.0.0.1")  # nginx's peer, not the forged header


# --- what never reaches the app still answers like the app ---------------------------------------

def assert_json_envelope(response, status, code):
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    assert response.json()["error"]["code"] == code
    assert isinstance(response.json()["error"]["message"], str)


def test_errors_nginx_answers_itself_are_the_json_envelope_under_api(stack):
    too_long_url = requests.get(f"{stack.url}/api/v1/videos?q={'a' * 9000}")
    assert_json_envelope(too_long_url, 414, "request_uri_too_long")
    big_header = requests.get(f"{stack.url}/api/v1/me", headers={"X-Padding": "a" * 9000})
    assert_json_envelope(big_header, 431, "request_header_fields_too_large")
    big_body = requests.post(f"{stack.url}/api/v1/auth/login", data=b"{" + b" " * (MAX_UPLOAD_MB * MB + 200_000),
                             headers={"Content-Type": "application/json"})
    assert_json_envelope(big_body, 413, "request_entity_too_large")
    assert f"{MAX_UPLOAD_MB} MB" in big_body.json()["error"]["message"]
    for response in (too_long_url, big_header, big_body):
        assert response.headers["X-Request-ID"] not in gunicorn_access_log(stack)  # nginx alone
    page = requests.get(f"{stack.url}/videos/?q={'a' * 9000}")
    assert page.status_code == 414 and page.headers["Content-Type"].startswith("text/html")


def test_requests_within_nginx_limits_are_never_refused_by_gunicorn(stack):
    """gunicorn's own limits are above nginx's: what nginx lets through reaches the app."""
    long_url = requests.get(f"{stack.url}/api/v1/videos?q={'a' * 7000}")
    assert_json_envelope(long_url, 401, "unauthorized")
    many_headers = requests.get(f"{stack.url}/api/v1/me", headers={f"X-H{i}": "1" for i in range(300)})
    assert_json_envelope(many_headers, 401, "unauthorized")
    long_header = requests.get(f"{stack.url}/api/v1/me", headers={"X-Padding": "a" * 7000})
    assert_json_envelope(long_header, 401, "unauthorized")
    json_over_its_limit = requests.post(f"{stack.url}/api/v1/auth/login", data=b"{" + b" " * (MB + 10),
                                        headers={"Content-Type": "application/json"})
    assert_json_envelope(json_over_its_limit, 413, "request_entity_too_large")
    assert "JSON bodies are limited to 1 MB" in json_over_its_limit.json()["error"]["message"]
    options = requests.options(f"{stack.url}/api/v1/videos")
    assert options.status_code == 200 and options.json()["allow"]


@pytest.mark.parametrize("attempt", range(3))
def test_keep_alive_connections_opened_at_once_are_shared_by_the_workers(stack, attempt):
    """Each worker takes waiting connections in batches, yet a burst of keep-alive connections (an
    integration's pool, nginx's upstream connections) is spread over both workers instead of
    landing on whichever woke first, which would leave the other core idle."""
    port = int(stack.web_url.rsplit(":", 1)[1])
    master = stack.processes["web"].popen.pid
    workers = child_pids(master)
    assert len(workers) == 2
    wait_until(lambda: min(held_after_opening(8, port, workers)) > 0, message="both workers to take connections")
    wait_until(lambda: sum(connections_held_by(pid, port) for pid in workers) <= 1,  # (nginx may keep one)
               message="earlier connections to close")
    held = held_after_opening(32, port, workers)
    assert sum(held) >= 32 and min(held) >= 8, held


def held_after_opening(count: int, port: int, workers: list[int]) -> list[int]:
    """Open `count` keep-alive connections to gunicorn at once, make a request on each, and return how
    many connections each worker holds while they are open."""
    clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(count)]
    try:
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for client in clients:
            assert client.recv(65536).startswith(b"HTTP/1.1 200")  # served, and kept open
        return [connections_held_by(pid, port) for pid in workers]
    finally:
        for client in clients:
            client.close()
