"""A real HTTP origin server on a loopback port that serves video files with Range support,
and hostile answers (pages with scripts, error bodies, redirects, a trickle) for the stream tests."""
import threading
import time
from pathlib import Path

from werkzeug.exceptions import HTTPException
from werkzeug.utils import safe_join
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import FileWrapper

from tests.support.http_server import loopback_server


class OriginServer:
    """Serves files of `root` at /<name>, honouring Range and conditional requests.

    `requests` counts requests per path; tests use it to see what reached the origin.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.requests = []
        self.redirects = {}
        self.answers = {}
        self.sent = {}
        self._server = loopback_server(self.wsgi)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, name):
        return f"{self.base_url}/{name}"

    def add_file(self, name, data: bytes):
        (self.root / name).write_bytes(data)
        return self.url(name)

    def add_redirect(self, name, location, status=302):
        """Answer /<name> with a redirect to `location`; returns the URL of /<name>."""
        self.redirects[name] = (location, status)
        return self.url(name)

    def add_answer(self, name, status, content_type, body: bytes, **headers):
        """Answer /<name> with exactly this status, type and body, whatever the request."""
        self.answers[name] = lambda request: Response(body, status=status, content_type=content_type,
                                                      headers=headers)
        return self.url(name)

    def add_cut_short(self, name, body: bytes, announced: int):
        """Answer /<name> with video/mp4 announcing `announced` bytes, send `body`, then close the connection."""
        self.answers[name] = lambda request: Response(iter([body]), content_type="video/mp4",
                                                      headers={"Content-Length": str(announced)})
        return self.url(name)

    def add_two_faced(self, name, status, content_type, body: bytes, **headers):
        """Answer the app's check (`Range: bytes=0-0`) with one byte of video, everything else as add_answer."""
        self.add_answer(name, status, content_type, body, **headers)
        hostile = self.answers[name]
        self.answers[name] = lambda request: (
            Response(b"\0", status=206, content_type="video/mp4", headers={"Content-Range": "bytes 0-0/1000"})
            if request.headers.get("Range") == "bytes=0-0" else hostile(request))
        return self.url(name)

    def add_generated(self, name, length):
        """Serve `length` bytes of video/mp4 made on the fly; self.sent[name] counts the bytes handed out."""
        self.sent[name] = 0
        block = b"\0" * 65536

        def generate():
            while self.sent[name] < length:
                piece = block[:length - self.sent[name]]
                self.sent[name] += len(piece)
                yield piece
        self.answers[name] = lambda request: Response(generate(), content_type="video/mp4",
                                                      headers={"Content-Length": str(length)})
        return self.url(name)

    def add_trickle(self, name, length, interval):
        """Announce `length` bytes of video/mp4 at /<name>, then send one byte every `interval` s."""
        def trickle():
            for _ in range(length):
                yield b"\0"
                time.sleep(interval)
        self.answers[name] = lambda request: Response(trickle(), content_type="video/mp4",
                                                      headers={"Content-Length": str(length)})
        return self.url(name)

    def add_held_back(self, name, body: bytes, release: threading.Event):
        """Answer /<name> with video/mp4 headers at once (no Content-Length), and `body` only once
        `release` is set (at most 30 s later)."""
        def held_back():
            yield b""  # the server sends the headers now
            release.wait(30)
            yield body
        self.answers[name] = lambda request: Response(held_back(), content_type="video/mp4")
        return self.url(name)

    def canary_hits(self):
        """Requests that reached /canary (a script that ran would have called it)."""
        return [entry for entry in self.requests if entry[1].startswith("/canary")]

    def wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests.append((request.method, request.path, request.headers.get("Range")))
        if request.path.lstrip("/") in self.answers:
            return self.answers[request.path.lstrip("/")](request)(environ, start_response)
        if request.path.lstrip("/") in self.redirects:
            location, status = self.redirects[request.path.lstrip("/")]
            return Response("moved", status=status, headers={"Location": location})(environ, start_response)
        path = safe_join(str(self.root), request.path.lstrip("/"))
        if path is None or not Path(path).is_file():
            return Response("not found", status=404)(environ, start_response)
        content_type = "video/webm" if path.endswith(".webm") else "video/mp4"
        handle = open(path, "rb")
        stat = Path(path).stat()
        response = Response(FileWrapper(handle), mimetype=content_type, direct_passthrough=True)
        response.call_on_close(handle.close)
        response.content_length = stat.st_size
        response.last_modified = stat.st_mtime
        response.set_etag(f"{stat.st_mtime_ns}-{stat.st_size}")
        try:
            response.make_conditional(request, accept_ranges=True, complete_length=stat.st_size)
        except HTTPException as error:
            handle.close()
            return error(environ, start_response)
        return response(environ, start_response)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
