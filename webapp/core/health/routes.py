"""/healthz answers while the process runs; /readyz checks PostgreSQL and Redis."""
from flask import current_app, jsonify
from sqlalchemy import text

from webapp.core.extensions import db
from webapp.core.health import bp
from webapp.core.redis_conn import redis_connection


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = {"database": "ok", "redis": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means not ready
        db.session.rollback()
        current_app.logger.warning("readyz: database unavailable: %s", type(exc).__name__)
        checks["database"] = "unavailable"
    try:
        redis_connection().ping()
    except Exception as exc:
        current_app.logger.warning("readyz: redis unavailable: %s", type(exc).__name__)
        checks["redis"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ready" if ready else "unavailable", checks=checks), 200 if ready else 503
