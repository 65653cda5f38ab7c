"""One structured log line per request, tagged with a request id shared with nginx and gunicorn."""
import json
import logging
import re
import sys
import time
import uuid

from flask import g, request

from webapp.core.compat import decoded_access_token, loaded_login_user

REQUEST_ID_HEADER = "X-Request-ID"
# Same rule as nginx's map in nginx/nginx.conf: anything else is replaced by a fresh id.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")

log = logging.getLogger("webapp.request")


def incoming_request_id() -> str:
    """The caller's X-Request-ID when it looks like one, else a new random id."""
    supplied = request.headers.get(REQUEST_ID_HEADER, "")
    return supplied if VALID_REQUEST_ID.match(supplied) else uuid.uuid4().hex


def logged_in_user_id():
    """Id of the user this request was made by, if it already loaded one (never loads it for the log)."""
    user = loaded_login_user()
    if user is not None and getattr(user, "is_authenticated", False):
        return user.id
    subject = decoded_access_token().get("sub")  # under /api
    return int(subject) if isinstance(subject, str) and subject.isdigit() else subject


def start_request():
    """Remember when the request began and which id it carries."""
    g.request_id = incoming_request_id()
    g.request_started = time.perf_counter()


def finish_request(response):
    """Echo the request id and write the request's log line."""
    request_id = g.get("request_id") or incoming_request_id()
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    log.info(json.dumps({
        "event": "request",
        "request_id": request_id,
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": duration_ms,
        "user_id": logged_in_user_id(),
        "remote_addr": request.remote_addr,
    }))
    return response


def register(app):
    """Install the hooks; outside tests the lines go to stderr as bare JSON."""
    app.before_request(start_request)
    app.after_request(finish_request)
    if not app.testing and not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
