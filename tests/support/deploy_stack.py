"""The production stack for the deployment tests: gunicorn (and the Procfile's worker and scheduler)
behind nginx/nginx.conf rendered the way the nginx image renders it, run for real on loopback ports."""
import contextlib
import os
import shlex
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import requests

from config import TestingConfig
from tests.conftest import empty_all_tables
from tests.support.nginx_config import render_nginx_config
from tests.support.processes import ROOT, Process, ThrowawayRedis, free_port, procfile_command
from webapp import create_app

MAX_UPLOAD_MB = 2  # the stack's upload limit, small so the tests can go past it


def start_nginx(config: Path, run_dir: Path, log_dir: Path) -> Process:
    """Real nginx in the foreground with a private prefix (as root, workers may read pytest's 0700 dirs)."""
    directives = "daemon off; user root;" if os.geteuid() == 0 else "daemon off;"
    command = shlex.join(["nginx", "-p", str(run_dir), "-e", str(log_dir / "nginx-startup.log"),
                          "-c", str(config), "-g", directives])
    return Process("nginx", dict(os.environ), log_dir, command=command)


def wait_for_http(url, process: Process, timeout=30):
    """Wait until the URL answers 200 (and the process is still alive)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.alive(), f"{process.name} exited:\n{process.log}"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200:\n{process.log}")


def storage_settings(settings: dict) -> dict:
    """The media storage settings among a stack's settings (the setup app must use the same storage)."""
    return {name: value for name, value in settings.items() if name.startswith(("STORAGE_", "S3_", "AWS_"))}


@contextlib.contextmanager
def running_stack(database_url, origin_server, root: Path, max_upload_mb=2, x_accel_redirect=True,
                  processes=("web", "worker", "scheduler"), nginx_in_front=True, web_replicas=1, nginx_port=None,
                  **settings):
    """gunicorn (gunicorn.conf.py, APP_ENV=production) against the run's database and a throwaway
    Redis, the other Procfile `processes`, and nginx in front (unless `nginx_in_front` is false:
    then `url` is gunicorn's own); yields where everything is, inside an app context of a setup app
    on the same database and media (tables emptied at the end).

    `web_replicas` > 1 starts more gunicorn servers like the first (processes "web-2", ...; the
    addresses of all are `web_urls`), all in nginx's upstream, as compose runs `web` with replicas.
    `nginx_port` fixes nginx's port (for settings that name nginx's address)."""
    logs, media = root / "logs", root / "media"
    logs.mkdir()
    media.mkdir()
    redis = ThrowawayRedis().start()
    web_ports, nginx_port = [free_port() for _ in range(web_replicas)], nginx_port or free_port()
    web_port = web_ports[0]
    web_names = ["web", *(f"web-{number}" for number in range(2, web_replicas + 1))]
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "LANG": "C.UTF-8",
        "APP_ENV": "production",
        "SECRET_KEY": "stack-secret-key-for-the-deployment-test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "MEDIA_ROOT": str(media),
        "INSTANCE_PATH": str(root / "instance"),
        "MAX_UPLOAD_MB": str(max_upload_mb),
        "X_ACCEL_REDIRECT": "1" if x_accel_redirect else "0",
        "VIDEO_SOURCE_ALLOWED_HOSTS": f"127.0.0.1:{origin_server.port}",
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "WEB_WORKERS": "2",
        "WEB_THREADS": "4",
        "GUNICORN_ACCESS_LOG": str(logs / "gunicorn-access.log"),
        "TRUSTED_PROXY_COUNT": "1",  # as docker-compose.yml: nginx in front
        **settings,
    }
    started = {name: Process(name, env, logs) for name in processes}
    for name, port in zip(web_names[1:], web_ports[1:]):
        started[name] = Process(name, {**env, "GUNICORN_BIND": f"127.0.0.1:{port}",
                                       "GUNICORN_ACCESS_LOG": str(logs / f"gunicorn-access-{name}.log")},
                                logs, command=procfile_command("web"))
    nginx = None
    setup_app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_ROOT": str(media),
                                           "REDIS_URL": redis.url, "MAX_UPLOAD_MB": max_upload_mb,
                                           **storage_settings(settings),
                                           # signed playback URLs and tokens made here are valid there
                                           "SECRET_KEY": env["SECRET_KEY"], "JWT_SECRET_KEY": env["SECRET_KEY"]})
    try:
        web_urls = [f"http://127.0.0.1:{port}" for port in web_ports]
        web_url = web_urls[0]
        for url, name in zip(web_urls, web_names):
            wait_for_http(f"{url}/healthz", started[name])
        if not nginx_in_front:
            with setup_app.app_context():
                yield SimpleNamespace(url=web_url, web_url=web_url, web_urls=web_urls, redis=redis,
                                      processes=started, nginx=None, logs=logs, media=media, app=setup_app,
                                      origin=origin_server, run_dir=None)
            return
        config = render_nginx_config(root / "nginx", {
            "NGINX_LISTEN": f"127.0.0.1:{nginx_port}",
            "WEB_UPSTREAM": " ".join(f"127.0.0.1:{port}" for port in web_ports),
            "STATIC_ROOT": str(ROOT / "static"),
            "MEDIA_ROOT": str(media),
            "MAX_UPLOAD_MB": str(max_upload_mb),
            "NGINX_RUN_DIR": str(root / "nginx"),
            "NGINX_LOG_DIR": str(logs),
            "NGINX_CA_CERTIFICATES": "/etc/ssl/certs/ca-certificates.crt",
            # direct uploads through nginx to the bucket, when the stack keeps media in one
            **{name: settings[name] for name in ("S3_BUCKET", "S3_ENDPOINT_URL") if settings.get(name)},
        })
        nginx = start_nginx(config, root / "nginx", logs)
        url = f"http://127.0.0.1:{nginx_port}"
        wait_for_http(f"{url}/healthz", nginx)
        with setup_app.app_context():
            yield SimpleNamespace(url=url, web_url=web_url, web_urls=web_urls, redis=redis, processes=started,
                                  nginx=nginx, logs=logs, media=media, app=setup_app, origin=origin_server,
                                  run_dir=root / "nginx")
    finally:
        for process in [nginx, *started.values()]:
            if process:
                process.stop()
        redis.stop()
        with setup_app.app_context():
            empty_all_tables()


class BrowserSession(requests.Session):
    """Sends the app's Secure cookies back over plain http, as browsers do for localhost."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)
