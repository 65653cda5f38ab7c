"""The web server's worker class: gunicorn's gevent worker, with psycopg2 made cooperative and a
timeout on every client socket. Named by gunicorn.conf.py (`worker_class`); the app never imports it.

One worker process serves up to `worker_connections` connections at once, each in a greenlet: a
viewer reading a stream at 5 Mbit/s costs a socket and one relay piece, not a thread. Everything
that waits (client and origin sockets, DNS, Redis, PostgreSQL through psycogreen) lets the other
greenlets run meanwhile.

Slow and half-open clients (a server reached without nginx in front) are cut by two timeouts:
- a request's line and headers must arrive within `keepalive` seconds (gunicorn's gevent worker
  reads them under `gevent.Timeout(keepalive)`; WEB_KEEPALIVE, 5 s): a half-sent request is closed;
- every read of a request body and every write of an answer piece must make progress within
  WEB_CLIENT_TIMEOUT seconds (30 s, a timeout on the client socket): a viewer that takes nothing
  for that long is disconnected, and the relay closes its origin connection.

A worker takes up to WEB_ACCEPT_PER_TURN waiting connections each time it wakes, while the workers'
connections stay balanced (BatchAcceptServer, ConnectionShares), and sends an answer's headers with
the start of its body (HeadersWithBody).
"""
import _socket
import mmap
import os

import gevent
from gevent.resolver.thread import Resolver as ThreadResolver
from gevent.server import StreamServer
from gunicorn.workers import ggevent
from gunicorn.workers.base_async import AsyncWorker
from gunicorn.workers.ggevent import GeventWorker

CLIENT_TIMEOUT = float(os.environ.get("WEB_CLIENT_TIMEOUT", "30"))
ACCEPT_PER_TURN = int(os.environ.get("WEB_ACCEPT_PER_TURN", "100"))
SHARE_SLACK = 8  # connections a worker may hold above the least busy one before it leaves new ones to it
# Bytes of an answer a client socket may hold not yet sent (TCP_NOTSENT_LOWAT); 0 leaves the kernel's default.
UNSENT_LIMIT = int(os.environ.get("WEB_UNSENT_BYTES", str(256 * 1024)))


class NumericHostsResolver(ThreadResolver):
    """gevent's default resolver (each lookup in a thread of the hub's pool), except for IP addresses.

    The relay and the origin check connect to the address the SSRF guard checked, so every origin
    connection "resolves" an IP address; sent to a thread, each cost a thread hand-off (and, in a
    burst of viewers, a wait for a thread scheduled by a busy machine). An IP address is answered
    at once, in the hub, by the C library (AI_NUMERICHOST: no lookup, no I/O); names still go to
    the thread pool.
    """

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's names
        try:
            return _socket.getaddrinfo(host, port, family, type, proto, flags | _socket.AI_NUMERICHOST)
        except _socket.gaierror:
            return super().getaddrinfo(host, port, family, type, proto, flags)


class ConnectionShares:
    """How many client connections each worker holds, in memory shared by gunicorn's master and its
    workers (an anonymous shared mapping made at import, in the master, before the workers fork).

    The master gives each worker a slot (`pre_fork` in gunicorn.conf.py: the lowest free one) and
    clears it when the worker exits (`child_exit`). The worker marks its slot live when it starts
    accepting and frees it as soon as it stops (it is draining: a restart, `max_requests`), so that
    only workers taking connections count; it counts a connection when it accepts it and uncounts
    it when gevent closes it. A slot holds the count plus one, so 0 means "no worker".
    """

    SLOTS = 256

    def __init__(self):
        self._memory = mmap.mmap(-1, self.SLOTS * 4)
        self._counts = memoryview(self._memory).cast("i")
        self.slot = None  # this worker's, once it runs
        self.leaving = False  # this worker takes no more connections (it drains, then exits)

    def free_slot(self, taken) -> int | None:
        """The lowest slot no live worker holds (in the master, before a worker forks); None when all
        are held (that worker then takes connections as gevent would, without counting)."""
        return min(set(range(self.SLOTS)) - set(taken), default=None)

    def start(self, slot) -> None:
        """This process is the worker of `slot`, with no connection yet (None: a server started
        without gunicorn.conf.py's hooks, which takes connections as gevent would)."""
        self.slot, self.leaving = slot, False
        if slot is not None:
            self._counts[slot] = 1

    def clear(self, slot) -> None:
        """The worker of `slot` has exited (in the master)."""
        if slot is not None:
            self._counts[slot] = 0

    def leave(self) -> None:
        """This worker stops taking connections: the others no longer count it."""
        self.leaving = True
        self.clear(self.slot)
        self.slot = None

    def opened(self) -> None:
        if self.slot is not None:
            self._counts[self.slot] += 1

    def closed(self) -> None:
        if self.slot is not None:
            self._counts[self.slot] -= 1

    def within_share(self) -> bool:
        """May this worker take one more connection: does it hold no more than SHARE_SLACK more than
        the worker holding the fewest? (Always, for a lone worker or outside gunicorn.)"""
        if self.slot is None:
            return True
        live = [count for count in self._counts if count]
        return self._counts[self.slot] <= min(live) + SHARE_SLACK


SHARES = ConnectionShares()


class BatchAcceptServer(StreamServer):
    """gevent's StreamServer, taking up to ACCEPT_PER_TURN waiting connections each time the
    listening socket wakes the worker, while the workers' connections stay balanced.

    gunicorn lowers gevent's 100 to 1 when it runs several workers. Then a worker takes one
    connection per turn of its event loop, and a turn lasts as long as the work of every request
    that is ready: in a burst of 200 stream starts, a page request waited in the kernel's queue
    behind all of them, about a second on 2 cores (bench/viewers.py, attack step: the first /login
    1.0–1.35 s; with batches, 76–100 ms). Accepting is cheap (a greenlet is queued per connection),
    so taking a batch lets the page's own greenlet start its turn at once.

    A batch alone, though, goes to whichever worker wakes first: 32 keep-alive connections opened
    at once all landed on one of 2 workers in 2 runs of 3 (bench/api.py's wrk), leaving a core idle.
    So a worker takes more than one connection per turn only while it holds no more than SHARE_SLACK
    connections above the worker holding the fewest (ConnectionShares); over its share it takes one
    per turn, as gunicorn's own setting would, and the others take the rest in their batches.
    """

    _max_accept = ACCEPT_PER_TURN
    _first_of_turn = False

    @property
    def max_accept(self):
        return self._max_accept

    @max_accept.setter
    def max_accept(self, value):  # gunicorn's 1 (several workers) is raised to ACCEPT_PER_TURN
        self._max_accept = max(value, ACCEPT_PER_TURN)

    def _do_read(self):
        """The listening socket is readable: take a batch (gevent's loop); none once the worker drains
        (gunicorn would close the listening socket within a second, under connections just taken)."""
        if SHARES.leaving:
            self.stop_accepting()
            return
        self._first_of_turn = True
        super()._do_read()

    def do_read(self):
        """Accept one connection (None ends the batch: nothing waiting, or this worker's share taken)."""
        if not self._first_of_turn and not SHARES.within_share():
            return None
        self._first_of_turn = False
        accepted = super().do_read()
        if accepted:
            SHARES.opened()  # counted at once, so that the rest of the batch sees it
        return accepted

    def do_close(self, sock, *args):
        """gevent closes every accepted connection here, once, however its handling ended."""
        try:
            super().do_close(sock, *args)
        finally:
            SHARES.closed()


class HeadersWithBody:
    """A client socket for one request whose first `sendall` (gunicorn writes the status line and
    headers alone) waits for the next one, so that the headers and the start of the body (all of a
    small answer) leave in one write: one system call and one packet fewer per request. Whatever is
    held is sent before anything else touches the socket (sendfile, its descriptor) and when the
    request ends (`flush`), so nothing is delayed past the point where the body starts or the answer
    ends. Everything else is the socket's own."""

    JOIN_UP_TO = 256 * 1024  # a larger first piece goes out after the headers instead of being copied
    # gunicorn writes nothing for an empty piece of a chunked answer (a relay whose origin sent no
    # Content-Length): such an answer's headers go at once, as its empty first piece asks.
    CHUNKED = b"\r\nTransfer-Encoding: chunked\r\n"

    def __init__(self, sock):
        self._sock = sock
        self._held = None
        self._first = True

    def sendall(self, data):
        if self._first:
            self._first = False
            if self.CHUNKED not in data:
                self._held = bytes(data)
                return
        held, self._held = self._held, None
        if held is not None and len(data) <= self.JOIN_UP_TO:
            data = held + data
        elif held is not None:
            self._sock.sendall(held)
        self._sock.sendall(data)

    def flush(self):
        held, self._held = self._held, None
        if held is not None:
            self._sock.sendall(held)

    def sendfile(self, *args, **kwargs):
        self.flush()
        return self._sock.sendfile(*args, **kwargs)

    def fileno(self):
        self.flush()
        return self._sock.fileno()

    def shutdown(self, how):
        self._held = None  # the answer is abandoned (an error after it began)
        return self._sock.shutdown(how)

    def close(self):
        self._held = None
        return self._sock.close()

    def __getattr__(self, name):
        return getattr(self._sock, name)


def without_origin_cut_tracebacks(record) -> bool:
    """Leave out gunicorn's "Error handling request" traceback for a relay whose origin stopped sending.

    The relay raises OriginCut (webapp/media/origin.py) so that gunicorn closes the viewer's
    connection instead of leaving the announced length unfulfilled; it has already logged why, in
    one line. Matched by name: this module is loaded before the app, which must not be imported yet.
    """
    error = record.exc_info[1] if record.exc_info else None
    return not (type(error).__name__ == "OriginCut" and type(error).__module__ == "webapp.media.origin")


class Worker(GeventWorker):
    """gunicorn's gevent worker plus psycogreen, IP addresses resolved in the hub and the client
    socket timeout (module docstring)."""

    def patch(self):
        """Monkey-patch (in the worker process, before the app and so requests, ssl and psycopg2 load)."""
        super().patch()
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()
        hub = gevent.get_hub()
        hub.resolver = NumericHostsResolver(hub=hub)
        ggevent.StreamServer = BatchAcceptServer  # the server class gunicorn's run() builds (class docstring)

    @property
    def alive(self):
        return self._alive

    @alive.setter
    def alive(self, value):  # gunicorn sets it False to stop taking connections and drain
        self._alive = value
        if not value:
            SHARES.leave()

    def run(self):
        """Count in the balance of connections from the moment connections are taken (the app is loaded)."""
        SHARES.start(getattr(self, "reelhouse_slot", None))  # given by the master (gunicorn.conf.py's pre_fork)
        self.log.error_log.addFilter(without_origin_cut_tracebacks)
        super().run()

    def handle(self, listener, client, addr):
        """Serve one connection; its socket gives up after CLIENT_TIMEOUT seconds without progress,
        and holds at most UNSENT_LIMIT bytes not yet sent.

        Without that limit, the kernel lets a socket's send buffer grow to 4 MB (net.ipv4.tcp_wmem)
        for a client that reads fast at first: each viewer of a burst was relayed megabytes before
        it had watched a second of them, CPU that the next viewers' starts waited for (200 viewers
        at once, bench/viewers.py: slowest first byte 3.0 s with the kernel's default, 0.9-1.2 s with
        the limit). Unlike a smaller SO_SNDBUF, it does not bound what is in flight, so a fast
        viewer far away still gets its full rate.
        """
        client.settimeout(CLIENT_TIMEOUT)  # gunicorn's own handle() would make it blocking forever
        if UNSENT_LIMIT and client.family in (_socket.AF_INET, _socket.AF_INET6):
            client.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NOTSENT_LOWAT, UNSENT_LIMIT)
        AsyncWorker.handle(self, listener, client, addr)

    def handle_request(self, listener_name, req, sock, addr):
        """Serve one request (headers and body start in one write), then yield to the other
        connections (fairness between keep-alive clients); a client that stopped reading (or
        sending its body) is closed with one log line, not a traceback."""
        client = HeadersWithBody(sock)
        try:
            handled = super().handle_request(listener_name, req, client, addr)
            client.flush()
            return handled
        except StopIteration:  # served; the connection closes now (Connection: close, or shutting down)
            client.flush()
            raise
        except TimeoutError:
            self.log.info("closed %s %s for %s: no progress in %.0f s", req.method, req.path,
                          addr[0] if isinstance(addr, tuple) else addr, CLIENT_TIMEOUT)
            raise StopIteration() from None
        finally:
            # A keep-alive client whose next request is already there would be served again at once:
            # let the other connections have their turn first.
            gevent.sleep(0)
