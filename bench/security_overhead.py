"""Benchmark of the security layer and the Activity page, in a throwaway PostgreSQL database.

Prints, measured in the same run:
- the time of a logged-in page request with the security layer (headers, idle/ended-session checks
  with their Redis lookup) against the same app with that layer taken out (ratio);
- the time of one Activity page (paginated, filtered) over 100 000 audit events of one company,
  against a bare primary-key fetch of one row (ratio).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
    BENCH_REDIS_URL=redis://127.0.0.1:6379/8 python bench/security_overhead.py
"""
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import mkdtemp

from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from throwaway_db import throwaway_database  # noqa: E402  (bench/, next to this script)

from config import TestingConfig  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.accounts.sessions.browser import end_stale_session  # noqa: E402
from webapp.core.extensions import db  # noqa: E402
from webapp.models import AuditEvent, Corporation, User  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
EVENTS = int(os.environ.get("BENCH_EVENTS", 100_000))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 300))


def per_request(client, path, count=REQUESTS):
    """Median seconds per request over `count` requests (after a warm-up)."""
    for _ in range(20):
        client.get(path)
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples)


def without_security_layer(app):
    """The same app with Talisman's hooks and the session checks removed (the baseline)."""
    talisman = app.extensions["talisman"]
    hooks = {talisman._force_https, talisman._make_nonce, end_stale_session}
    app.before_request_funcs[None] = [f for f in app.before_request_funcs[None] if f not in hooks]
    app.after_request_funcs[None] = [f for f in app.after_request_funcs[None]
                                     if f != talisman._set_response_headers]
    return app


def logged_in_client(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_sid"] = uuid.uuid4().hex
        session["_last_seen"] = session["_started"] = int(time.time())
    assert user.email in client.get("/").get_data(as_text=True), "not logged in"
    return client


def main():
    with throwaway_database(ADMIN_URL) as database_url:
        overrides = {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL,
                     "RATELIMIT_STORAGE_URI": REDIS_URL, "MEDIA_ROOT": mkdtemp(), "PER_PAGE": 20}
        app = create_app(TestingConfig, overrides)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            corporation = Corporation(name="Bench Co", activated_at=datetime.now(UTC))
            admin = User(corporation=corporation, email="admin@bench.example.com", role="admin")
            admin.set_password("bench-password-123")
            db.session.add_all([corporation, admin])
            db.session.commit()
            start = datetime.now(UTC) - timedelta(days=365)
            actions = ["video.added", "video.edited", "member.added", "video.trashed"]
            db.session.execute(insert(AuditEvent), [
                {"corporation_id": corporation.id, "actor_id": admin.id, "action": actions[i % 4],
                 "target_type": "video", "target_id": i, "details": {"title": f"Clip {i}"},
                 "ip": "198.51.100.7", "created_at": start + timedelta(minutes=5 * i)}
                for i in range(EVENTS)])
            db.session.commit()
            db.session.execute(text("ANALYZE audit_events"))
            db.session.commit()
            admin_id = admin.id

        app.config["TESTING"] = False
        with app.app_context():
            admin = db.session.get(User, admin_id)
            secured = per_request(logged_in_client(app, admin), "/")
            activity = per_request(logged_in_client(app, admin), "/activity", count=100)
            filtered = per_request(logged_in_client(app, admin),
                                   "/activity?action=video.edited&date_from=2026-01-01&page=3", count=100)
            event_id = db.session.scalar(select(AuditEvent.id).limit(1))
            samples = []
            for _ in range(200):
                t = time.perf_counter()
                db.session.get(AuditEvent, event_id, populate_existing=True)
                samples.append(time.perf_counter() - t)
            pk_fetch = statistics.median(samples)

        bare_app = without_security_layer(create_app(TestingConfig, overrides))
        with bare_app.app_context():
            bare = per_request(logged_in_client(bare_app, db.session.get(User, admin_id)), "/")

        print(f"logged-in page, with security layer : {secured * 1000:7.2f} ms")
        print(f"logged-in page, without it (baseline): {bare * 1000:7.2f} ms")
        print(f"  ratio with/without                 : {secured / bare:7.2f}x")
        print(f"Activity page over {EVENTS} events   : {activity * 1000:7.2f} ms")
        print(f"  filtered, page 3                   : {filtered * 1000:7.2f} ms")
        print(f"  one primary-key fetch (baseline)   : {pk_fetch * 1000:7.2f} ms")
        print(f"  ratio page/pk fetch                : {activity / pk_fetch:7.1f}x")


if __name__ == "__main__":
    main()
