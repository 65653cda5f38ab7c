"""Fixtures of the deployment tests: the production stack (nginx, gunicorn, worker, scheduler) on loopback."""
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from config import TestingConfig
from tests import factories
from tests.conftest import empty_all_tables
from tests.support.deploy_stack import (
    MAX_UPLOAD_MB,
    BrowserSession,
    render_nginx_config,
    start_nginx,
    wait_for_http,
)
from tests.support.helpers import CSRF_RE
from tests.support.processes import ROOT as REPO
from tests.support.processes import Process, ThrowawayRedis, free_port
from webapp import create_app


@pytest.fixture(scope="module")
def stack(database_url, origin_server, tmp_path_factory):
    """The whole production stack on loopback ports; yields where everything is."""
    root = tmp_path_factory.mktemp("stack")
    logs, media, static = root / "logs", root / "media", REPO / "static"
    logs.mkdir()
    media.mkdir()
    redis = ThrowawayRedis().start()
    web_port, nginx_port = free_port(), free_port()
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "LANG": "C.UTF-8",
        "APP_ENV": "production",
        "SECRET_KEY": "stack-secret-key-for-the-deployment-test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "MEDIA_ROOT": str(media),
        "INSTANCE_PATH": str(root / "instance"),
        "MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
        "X_ACCEL_REDIRECT": "1",
        "VIDEO_SOURCE_ALLOWED_HOSTS": f"127.0.0.1:{origin_server.port}",
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "WEB_WORKERS": "2",
        "WEB_THREADS": "4",
        "GUNICORN_ACCESS_LOG": str(logs / "gunicorn-access.log"),
        "TRUSTED_PROXY_COUNT": "1",  # as docker-compose.yml: nginx in front
    }
    processes = {name: Process(name, env, logs) for name in ("web", "worker", "scheduler")}
    nginx = None
    setup_app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_ROOT": str(media),
                                           "REDIS_URL": redis.url, "MAX_UPLOAD_MB": MAX_UPLOAD_MB})
    try:
        wait_for_http(f"http://127.0.0.1:{web_port}/healthz", processes["web"])
        config = render_nginx_config(root / "nginx", {
            "NGINX_LISTEN": f"127.0.0.1:{nginx_port}",
            "WEB_UPSTREAM": f"127.0.0.1:{web_port}",
            "STATIC_ROOT": str(static),
            "MEDIA_ROOT": str(media),
            "MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
            "NGINX_RUN_DIR": str(root / "nginx"),
            "NGINX_LOG_DIR": str(logs),
            "NGINX_RESOLVER": "127.0.0.1",
            "NGINX_CA_CERTIFICATES": "/etc/ssl/certs/ca-certificates.crt",
        })
        nginx = start_nginx(config, root / "nginx", logs)
        url = f"http://127.0.0.1:{nginx_port}"
        wait_for_http(f"{url}/healthz", nginx)
        with setup_app.app_context():
            yield SimpleNamespace(url=url, redis=redis, processes=processes, nginx=nginx, logs=logs,
                                  media=media, app=setup_app, origin=origin_server)
    finally:
        for process in [nginx, *processes.values()]:
            if process:
                process.stop()
        redis.stop()
        with setup_app.app_context():
            empty_all_tables()


@pytest.fixture
def log_in(stack):
    """Log in through nginx with the real login form; returns the browser-like session."""
    sessions = []

    def login(email):
        session = BrowserSession()
        sessions.append(session)
        token = CSRF_RE.search(session.get(f"{stack.url}/login").text).group(1)
        response = session.post(f"{stack.url}/login", allow_redirects=False,
                                data={"email": email, "password": factories.PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.text
        return session

    yield login
    for session in sessions:
        session.close()
