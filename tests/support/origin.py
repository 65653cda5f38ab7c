"""A real HTTP origin server on a loopback port that serves video files with Range support."""
import threading
from pathlib import Path

from werkzeug.exceptions import HTTPException
from werkzeug.serving import make_server
from werkzeug.utils import safe_join
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file


class OriginServer:
    """Serves files of `root` at /<name>, honouring Range and conditional requests.

    `requests` counts requests per path; tests use it to see what reached the origin.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.requests = []
        self.redirects = {}
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
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

    def wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests.append((request.method, request.path, request.headers.get("Range")))
        if request.path.lstrip("/") in self.redirects:
            location, status = self.redirects[request.path.lstrip("/")]
            return Response("moved", status=status, headers={"Location": location})(environ, start_response)
        path = safe_join(str(self.root), request.path.lstrip("/"))
        if path is None or not Path(path).is_file():
            return Response("not found", status=404)(environ, start_response)
        content_type = "video/webm" if path.endswith(".webm") else "video/mp4"
        handle = open(path, "rb")
        stat = Path(path).stat()
        response = Response(wrap_file(environ, handle), mimetype=content_type, direct_passthrough=True)
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
