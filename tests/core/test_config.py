"""Configuration comes from the environment; production refuses to start without its secrets."""
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from config import DevelopmentConfig, ProductionConfig, TestingConfig
from webapp import create_app

ROOT = Path(__file__).resolve().parents[2]


def test_production_without_secret_key_refuses_to_start(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/app")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()


def test_production_start_up_stops_with_a_clear_message(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "APP_ENV": "production", "DATABASE_URL": "postgresql://x/y",
           "INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "Missing required setting(s) for production: SECRET_KEY" in result.stderr


def test_production_with_secrets_has_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/app")
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg2://u@db/app"


def test_defaults_match_the_readme(monkeypatch):
    for name in ("VIEW_POINTS", "PLAN_TIMEZONE", "ACCESS_TOKEN_TTL", "REFRESH_TOKEN_TTL",
                 "REDIS_URL", "VIDEO_SOURCE_ALLOWED_HOSTS", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    config = DevelopmentConfig()
    assert config.VIEW_POINTS == 10
    assert config.PLAN_TIMEZONE == "UTC"
    assert config.ACCESS_TOKEN_TTL == 900
    assert config.REFRESH_TOKEN_TTL == 14 * 24 * 3600
    assert config.REDIS_URL == "redis://127.0.0.1:6379/0"
    assert config.VIDEO_SOURCE_ALLOWED_HOSTS == []
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")


def test_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("VIEW_POINTS", "25")
    monkeypatch.setenv("VIDEO_SOURCE_ALLOWED_HOSTS", "cdn.example:8080, 127.0.0.1:9000")
    config = DevelopmentConfig()
    assert config.VIEW_POINTS == 25
    assert config.VIDEO_SOURCE_ALLOWED_HOSTS == ["cdn.example:8080", "127.0.0.1:9000"]


def test_a_malformed_number_fails_fast(monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_MB", "lots")
    with pytest.raises(RuntimeError, match="MAX_UPLOAD_MB must be an integer"):
        TestingConfig()


def test_development_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    env = {"PATH": "/usr/bin:/bin", "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"}
    code = "import wsgi; print(wsgi.app.config['SECRET_KEY'])"
    first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert len(first.stdout.strip()) >= 40
    assert first.stdout == second.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_overriding_the_upload_limit_recomputes_the_request_limit(tmp_path):
    media = str(tmp_path / "media")
    app = create_app(TestingConfig, {"MAX_UPLOAD_MB": 3, "MEDIA_ROOT": media})
    assert app.config["MAX_CONTENT_LENGTH"] == 3 * 1024 * 1024 + 64 * 1024
    explicit = create_app(TestingConfig, {"MAX_UPLOAD_MB": 3, "MAX_CONTENT_LENGTH": None, "MEDIA_ROOT": media})
    assert explicit.config["MAX_CONTENT_LENGTH"] is None


@pytest.mark.parametrize("settings, message", [
    ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be local or s3"),
    ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs S3_BUCKET"),
    ({"STORAGE_BACKEND": "s3", "S3_BUCKET": "media", "S3_PART_SIZE_MB": "4"}, "S3_PART_SIZE_MB must be at least 5"),
])
def test_a_storage_backend_that_cannot_work_stops_start_up(monkeypatch, settings, message):
    monkeypatch.delenv("S3_BUCKET", raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=message):
        DevelopmentConfig()


def test_media_is_kept_on_the_local_disk_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("STORAGE_BACKEND", raising=False)
    config = DevelopmentConfig()
    assert (config.STORAGE_BACKEND, config.S3_REGION, config.S3_PART_SIZE_MB, config.S3_PRESIGN_TTL) == (
        "local", "us-east-1", 8, 60)


@pytest.mark.parametrize(("environment", "access_log"), [
    ({"APP_ENV": "production"}, None),  # the app's JSON request log says it all
    ({"APP_ENV": "development"}, "-"),
    ({"APP_ENV": "production", "GUNICORN_ACCESS_LOG": "-"}, "-"),
    ({"APP_ENV": "development", "GUNICORN_ACCESS_LOG": ""}, None),
    ({"APP_ENV": "production", "GUNICORN_ACCESS_LOG": "/var/log/access.log"}, "/var/log/access.log"),
])
def test_gunicorns_access_log_is_off_in_production_unless_asked_for(monkeypatch, environment, access_log):
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["accesslog"] == access_log
