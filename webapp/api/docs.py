"""Swagger UI at /docs, with its JS and CSS served by the app itself, and the health checks' docs."""
from flask import Blueprint, render_template, send_from_directory
from marshmallow import Schema, fields
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__)


@bp.get("/docs")
def swagger_ui():
    return render_template("api/docs.html")


@bp.get("/docs/swagger-ui/<path:filename>")
def swagger_ui_file(filename):
    """The Swagger UI bundle shipped with the swagger-ui-bundle package (works offline)."""
    return send_from_directory(swagger_ui_path, filename, max_age=3600)


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class ReadinessSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ready", "unavailable"]})
    checks = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                         metadata={"example": {"database": "ok", "redis": "ok"}})


def rule_of(app, endpoint):
    return next(app.url_map.iter_rules(endpoint))


def _json(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document_health(app, spec):
    """/healthz and /readyz live in webapp/core/health; they are described here for the OpenAPI document."""
    spec.tag({"name": "Health", "description": "Liveness and readiness checks (no authentication)."})
    spec.path(rule=rule_of(app, "health.healthz"), operations={"get": {
        "tags": ["Health"], "summary": "The process is up.", "operationId": "healthz",
        "responses": {"200": _json(HealthSchema, "Up")},
    }})
    spec.path(rule=rule_of(app, "health.readyz"), operations={"get": {
        "tags": ["Health"], "summary": "PostgreSQL and Redis answer.", "operationId": "readyz",
        "responses": {"200": _json(ReadinessSchema, "Ready"),
                      "503": _json(ReadinessSchema, "Not ready: `checks` says which dependency failed")},
    }})


def register(app, api):
    """Serve the docs page and complete the spec."""
    app.register_blueprint(bp)
    api.document(lambda spec: document_health(app, spec))
