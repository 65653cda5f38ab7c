"""The JSON API v1 under /api/v1: JWT bearer auth, OpenAPI document at /api/openapi.json, docs at /docs."""
from webapp.accounts.sessions import load_token_user
from webapp.api.errors import configure_jwt
from webapp.api.schemas import ErrorSchema
from webapp.core.compat import ResourceApi
from webapp.core.extensions import csrf, jwt

SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "An access token from POST /api/v1/auth/login or /auth/refresh."}


class ReelhouseApi(ResourceApi):
    """flask-smorest's Api documenting our error envelope; the app-wide handlers answer errors."""

    ERROR_SCHEMA = ErrorSchema


def configure(app):
    """API settings that follow from the app's own (set once, before the extensions read them)."""
    app.config.setdefault("API_TITLE", "Reelhouse API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/")
    app.config.setdefault("OPENAPI_JSON_PATH", "api/openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "JSON API for integrations. Errors are always "
                                '{"error": {"code", "message"[, "fields"]}}.'},
    })
    app.config["JWT_ALGORITHM"] = "HS256"
    app.config["JWT_DECODE_ALGORITHMS"] = ["HS256"]
    app.config["JWT_TOKEN_LOCATION"] = ["headers"]
    app.config["JWT_DECODE_LEEWAY"] = 0
    app.config["JWT_COOKIE_CSRF_PROTECT"] = False  # tokens travel in headers only


def register_api(app):
    """Create the Api for this app and register every resource, the docs page and the JWT hooks."""
    from webapp.api import audit_events, auth, captions, corporations, docs, invitations, me, users, videos, watching

    configure(app)
    configure_jwt(jwt)
    jwt.user_lookup_loader(lambda header, claims: load_token_user(claims))
    api = ReelhouseApi(app)
    api.document(lambda spec: spec.components.security_scheme("bearerAuth", SECURITY_SCHEME))
    for module in (auth, me, corporations, users, invitations, videos, watching, captions, audit_events):
        csrf.exempt(module.blp)
        api.register_resource(module.blp, module.URL_PREFIX, module.TAG, module.DESCRIPTION)
    docs.register(app, api)
    app.extensions["reelhouse_api"] = api
    return api
