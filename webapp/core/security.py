"""Security settings of the web app: response headers, trusted proxies, media location, NUL refusal.

Browser-session lifetimes live with the sessions (webapp/accounts/sessions/browser.py).
"""
import ipaddress
from pathlib import Path

from flask import abort, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.core.compat import SiteWideTalisman

# Nothing inline: scripts and styles come from static/ only.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "media-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Stream answers (video bytes, and their 304s) are never documents of ours: opened as a page, even a
# polyglot file may do nothing (no script, no form, no plugin, no request). nginx/offload.conf sends
# the same for the bytes nginx moves itself.
STREAM_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'"
PERMISSIONS_POLICY = {"camera": "()", "microphone": "()", "geolocation": "()", "payment": "()"}


def register(app):
    """Check the settings, then install headers and proxy handling on the app."""
    check_media_root(app)
    trust_proxies(app)
    # Registered before Talisman on purpose: Flask runs after_request hooks in reverse order, so
    # this one runs after Talisman has written the site's policy, and replaces it on stream answers.
    app.after_request(apply_stream_policy)
    # One Talisman per app: it keeps a reference to the app it was given. Headers built once (compat.py).
    app.extensions["talisman"] = SiteWideTalisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=True,  # Talisman sends HSTS only on HTTPS requests
        strict_transport_security_max_age=app.config["HSTS_MAX_AGE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=True,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
    )


def protect_stream(response):
    """Mark a response as a stream answer: it gets STREAM_CONTENT_SECURITY_POLICY and nosniff."""
    response.is_stream_answer = True
    return response


def apply_stream_policy(response):
    """The after_request hook that gives marked stream answers their policy (see protect_stream)."""
    if getattr(response, "is_stream_answer", False):
        response.headers["Content-Security-Policy"] = STREAM_CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def check_media_root(app):
    """Uploads must never be reachable as static files: refuse a MEDIA_ROOT inside static/."""
    media = Path(app.config["MEDIA_ROOT"]).resolve()
    static = Path(app.static_folder).resolve()
    if media == static or static in media.parents:
        raise RuntimeError(f"MEDIA_ROOT must be outside the static folder ({static}), got {media}.")


class IgnoreForwardedHeaders:
    """WSGI middleware: with no trusted proxy, X-Forwarded-* sent by clients are dropped unread."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        for key in [key for key in environ if key.startswith("HTTP_X_FORWARDED_")]:
            del environ[key]
        return self.wsgi_app(environ, start_response)


def ip_or_none(value) -> str | None:
    """`value` as a canonical IP address (what the audit log and rate limits may store), or None."""
    if not isinstance(value, str) or "%" in value:  # no IPv6 zone ids: an unbounded suffix
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


class CheckForwardedValues:
    """WSGI middleware behind ProxyFix: what X-Forwarded-For/-Proto said must be an IP address and
    http/https, else the connecting peer's values stand. Every reader of request.remote_addr (audit
    log, rate limits, request log) gets a real address this way."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        original = environ.get("werkzeug.proxy_fix.orig", {})
        address = ip_or_none(environ.get("REMOTE_ADDR"))
        if address is None:
            peer = original.get("REMOTE_ADDR", environ.get("REMOTE_ADDR"))
            address = ip_or_none(peer) or peer
        environ["REMOTE_ADDR"] = address
        if environ.get("wsgi.url_scheme") not in ("http", "https"):
            environ["wsgi.url_scheme"] = original.get("wsgi.url_scheme", "http")
        return self.wsgi_app(environ, start_response)


def trust_proxies(app):
    """Believe X-Forwarded-For/-Proto only from TRUSTED_PROXY_COUNT proxies in front of us, and only
    when they carry an IP address and a known scheme."""
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count > 0:
        app.wsgi_app = ProxyFix(CheckForwardedValues(app.wsgi_app), x_for=count, x_proto=count)
    else:
        app.wsgi_app = IgnoreForwardedHeaders(app.wsgi_app)


def refuse_nul_characters():
    """Pages refuse form or query values with NUL characters (PostgreSQL cannot store them) with a 400.

    The JSON API checks each field itself (webapp/api/fields.py).
    """
    if request.path.startswith("/api"):
        return
    values = [*request.args.items(multi=True), *request.form.items(multi=True)]
    if any("\x00" in value for _name, value in values):
        abort(400, _("Text must not contain NUL characters."))
