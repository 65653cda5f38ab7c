"""werkzeug's development server on a loopback port, closing every answer's body: the tests' live app
and origin."""
from werkzeug.serving import WSGIRequestHandler, make_server


def loopback_server(app):
    """A threaded werkzeug server for `app` on 127.0.0.1 and a free port (not started)."""
    return make_server("127.0.0.1", 0, closing_bodies(app), threaded=True, request_handler=ClosingRequestHandler)


class ClosingRequestHandler(WSGIRequestHandler):
    """werkzeug's development-server handler, closing every answer's body.

    After an answer, werkzeug reads what is left of the request and then closes the body; when the
    client resets the connection during that read (Chromium leaving a page), the close is skipped
    and the body's file (a static file) stays open until garbage collection.
    """

    def run_wsgi(self):
        try:
            super().run_wsgi()
        finally:
            body = getattr(self, "environ", {}).get(ClosingRequestHandler.BODY)
            if body is not None:
                body.close()

    BODY = "tests.answer_body"


class _ClosedOnce:
    """An answer's body whose close() runs once, whoever calls it first."""

    def __init__(self, body):
        self.body, self.closed = body, False

    def __iter__(self):
        return iter(self.body)

    def close(self):
        if not self.closed:
            self.closed = True
            if hasattr(self.body, "close"):
                self.body.close()


def closing_bodies(app):
    """`app`, its answers' bodies kept where ClosingRequestHandler closes them."""

    def wsgi(environ, start_response):
        body = environ[ClosingRequestHandler.BODY] = _ClosedOnce(app(environ, start_response))
        return body

    return wsgi
