"""App-wide error handlers: JSON under /api, HTML pages in the shared layout elsewhere."""
from urllib.parse import urlsplit

from flask import current_app, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.core.exceptions import DomainError
from webapp.core.extensions import db
from webapp.core.kept_forms import keep_submitted_form
from webapp.core.ratelimit import retry_after_seconds, retry_message

FRIENDLY = {
    400: _l("The request could not be understood."),
    401: _l("Please log in to continue."),
    403: _l("You are not allowed to do that. This page is for your company's admins."),
    404: _l("There is nothing here."),
    405: _l("That action is not available here."),
    409: _l("That conflicts with the current state."),
    413: _l("The file is too large."),
    415: _l("That content type is not supported."),
    429: _l("Too many attempts. Please wait and try again."),
    500: _l("Something went wrong on our side. Please try again."),
    502: _l("The video source did not answer properly."),
    503: _l("The service is temporarily unavailable."),
}


# Flask-WTF's CSRF failures, in words people can act on (its own messages are English only).
CSRF_MESSAGES = {
    "The CSRF token is missing.": _l("The CSRF token is missing."),
    "The CSRF session token is missing.": _l("The CSRF session token is missing."),
    "The CSRF token has expired.": _l("The CSRF token has expired."),
    "The CSRF token is invalid.": _l("The CSRF token is invalid."),
    "The CSRF tokens do not match.": _l("The CSRF tokens do not match."),
}
CSRF_ADVICE = _l("Go back, reload the page and send the form again.")
# The CSRF failures of a session that ended (logged out after idle time, expired, cookie gone) or of
# a page left open too long: the form is kept and shown again (after a new login when needed).
SESSION_ENDED = ("The CSRF session token is missing.", "The CSRF token has expired.")


def keep_form_and_return(error):
    """Instead of an error page: keep what was typed, then lead back to the form (via the login page
    when the session has ended)."""
    from flask_login import current_user

    page = keep_submitted_form()
    if current_user.is_authenticated or urlsplit(page).path in (url_for("auth.login"), url_for("auth.signup")):
        flash(_("The page had been open too long, so the form was not sent. Check it and send it again."),
              "warning")
        return redirect(page, 303)
    flash(_("Your session had ended, so the form was not sent. Log in again and it will be shown "
            "again with what you typed (passwords and files must be entered again)."), "warning")
    return redirect(url_for("auth.login", next=page), 303)


def wants_json() -> bool:
    """API paths always get JSON errors, and so do JSON requests of our pages' scripts."""
    return request.path.startswith("/api") or request.is_json


def error_response(status, code, message, fields=None, headers=None):
    """Render one error as JSON (API) or as an HTML page in the site layout."""
    message = str(message)
    if wants_json():
        body = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        response = jsonify(body)
    else:
        response = make_response(render_template("errors/error.html", status=status, message=message))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def too_large_message() -> str:
    """Name the limit that applied: the upload limit, or the smaller one of JSON bodies."""
    upload_limit = current_app.config["MAX_UPLOAD_MB"]
    limit = request.max_content_length
    if limit is not None and limit < current_app.config["MAX_CONTENT_LENGTH"]:
        size = f"{limit // 2**20} MB" if limit % 2**20 == 0 else f"{limit // 1024} KB"
        return _("The request body is too large: JSON bodies are limited to %(size)s.", size=size)
    return _("The file is too large: the limit is %(size)s MB.", size=upload_limit)


def api_options():
    """OPTIONS under /api answers JSON with the allowed methods (Flask's default is empty text/html)."""
    if request.method != "OPTIONS" or not wants_json() or request.routing_exception is not None:
        return None
    methods = sorted(current_app.create_url_adapter(request).allowed_methods())
    response = jsonify(allow=methods)
    response.headers["Allow"] = ", ".join(methods)
    return response


def snake(name: str) -> str:
    return name.lower().replace(" ", "_").replace("-", "_").replace("'", "")


def register(app):
    """Install the handlers on the app (blueprint handlers would miss unmatched URLs)."""
    app.before_request(api_options)

    @app.errorhandler(DomainError)
    def handle_domain_error(error):
        db.session.rollback()
        return error_response(error.status, error.code, error.message, error.fields,
                              getattr(error, "headers", None))

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        status = error.code or 500
        message = error.description if status in (400, 413, 429) and error.description else None
        if message == type(error).description:  # Werkzeug's default text: ours is translated
            message = None
        if isinstance(error, CSRFError):
            if error.description in SESSION_ENDED and not wants_json() and request.method == "POST" \
                    and request.form:
                return keep_form_and_return(error)
            message = f"{CSRF_MESSAGES.get(error.description, FRIENDLY[400])} {CSRF_ADVICE}"
        if status == 413:
            message = too_large_message()
        headers = {}
        if status == 405 and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        if status == 429:
            seconds = retry_after_seconds(error)
            headers["Retry-After"] = str(seconds)
            message = retry_message(seconds)
        return error_response(
            status, snake(error.name or "error"), message or FRIENDLY.get(status, error.name), None, headers
        )

    @app.errorhandler(500)
    def handle_server_error(error):
        db.session.rollback()
        return error_response(500, "internal_error", FRIENDLY[500])
