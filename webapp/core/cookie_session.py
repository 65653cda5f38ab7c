"""Flask's signed-cookie session, without its cost on requests that carry no cookie.

Flask's SecureCookieSessionInterface builds a new signing serializer on every request, parses the
Cookie header before it knows whether there is one, and looks up seven cookie settings on every
response even when there is no session to send. On an API call (a Bearer token, no cookie) that
was about 5 % of the request's CPU (bench/api.py, profiled with py-spy). Here the serializer is
built once per secret key (and fallback keys), a request without a Cookie header starts with an
empty session at once, and an untouched empty session sends nothing. Cookies are signed, read,
refreshed and expired exactly as by Flask's own interface.
"""
from flask.sessions import SecureCookieSessionInterface


class CookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._serializers = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app, request):
        if app.secret_key and "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not session and not session.modified and not session.accessed:
            return  # Flask's interface would only read its cookie settings, then return
        super().save_session(app, session, response)
