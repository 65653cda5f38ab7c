"""Talking to video origins: one pooled, SSRF-guarded requests session per process."""
import http.cookiejar
import logging
import threading
from urllib.parse import urljoin

import requests
from flask import current_app
from flask_babel import gettext as _

from webapp.core.exceptions import OriginFailed
from webapp.media.ssrf import ALLOWED_SCHEMES, GuardedAdapter, UnsafeTarget

log = logging.getLogger(__name__)

MAX_REDIRECTS = 3
FORWARDED_REQUEST_HEADERS = ("Range", "If-Range")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)

_session = None
_session_lock = threading.Lock()
_open_lock = threading.Lock()
_open_upstreams = 0


def origin_session() -> requests.Session:
    """The process's pooled session: no cookies kept, no proxies from the environment."""
    global _session
    with _session_lock:
        if _session is None:
            session = requests.Session()
            session.trust_env = False
            session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            adapter = GuardedAdapter(pool_connections=16, pool_maxsize=64, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update({"User-Agent": "Reelhouse", "Accept-Encoding": "identity"})
            _session = session
        return _session


def open_upstreams() -> int:
    """How many origin responses are open right now in this process (relays in flight)."""
    return _open_upstreams


def _count(delta):
    global _open_upstreams
    with _open_lock:
        _open_upstreams += delta


class Upstream:
    """An open origin response; iterate it for the body, close it exactly once."""

    def __init__(self, response: requests.Response, url: str):
        self.response = response
        self.url = url
        self.status = response.status_code
        self.headers = response.headers
        self.closed = False
        _count(1)

    def iter_body(self, chunk_size: int):
        """Yield the body in chunks; the origin connection is closed when iteration ends or stops."""
        try:
            yield from self.response.iter_content(chunk_size)
        except requests.RequestException as error:
            log.warning("origin stopped sending %s: %s", self.url, error.__class__.__name__)
        finally:
            self.close()

    def close(self):
        if not self.closed:
            self.closed = True
            self.response.close()
            _count(-1)


def open_upstream(url: str, method: str, request_headers) -> Upstream:
    """Send the request to the origin, following at most MAX_REDIRECTS checked redirects.

    Raises OriginFailed (502) when the origin is refused, unreachable or too slow; the origin's
    own error body is never read.
    """
    config = current_app.config
    timeout = (config["STREAM_CONNECT_TIMEOUT"], config["STREAM_READ_TIMEOUT"])
    headers = {name: request_headers[name] for name in FORWARDED_REQUEST_HEADERS if name in request_headers}
    session = origin_session()
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            response = session.request(method, url, headers=headers, stream=True,
                                       allow_redirects=False, timeout=timeout)
        except UnsafeTarget as error:
            log.warning("refused video origin %s: %s", url, error)
            raise OriginFailed(_("The video source is not allowed: %(reason)s", reason=error)) from None
        except requests.Timeout:
            raise OriginFailed(_("The video source did not answer in time.")) from None
        except requests.RequestException as error:
            log.warning("video origin %s failed: %s", url, error)
            raise OriginFailed(_("The video source could not be reached.")) from None
        location = response.headers.get("Location")
        if response.status_code not in REDIRECT_STATUSES or not location:
            return Upstream(response, url)
        response.close()
        url = urljoin(url, location)
        if url.split(":", 1)[0].lower() not in ALLOWED_SCHEMES:
            raise OriginFailed(_("The video source redirected to a URL that is not allowed."))
    raise OriginFailed(_("The video source redirected too many times."))
