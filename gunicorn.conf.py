"""gunicorn settings, from the environment. gevent workers (serving.Worker): a viewer costs a
connection, not a thread, so hundreds of long streams and the pages share a few processes."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# "gevent" (default): serving.Worker, gunicorn's gevent worker with psycogreen and client timeouts.
# "gthread": the thread-per-request worker of earlier versions, kept for comparison (bench/).
WORKER_CLASSES = {"gevent": "serving.Worker", "gthread": "gthread"}
if os.environ.get("WEB_WORKER_CLASS", "gevent") not in WORKER_CLASSES:
    raise RuntimeError(f"WEB_WORKER_CLASS must be one of {', '.join(WORKER_CLASSES)}")
worker_class = WORKER_CLASSES[os.environ.get("WEB_WORKER_CLASS", "gevent")]
# gevent: one worker per CPU. Each is an event loop that keeps a core busy on its own; more
# processes than cores only add context switches and database pools (bench/api.py: about 15 % less
# CPU per API request with 2 workers than with 4 on 2 cores). gthread: 2 per CPU, at most 4.
cpus = multiprocessing.cpu_count()
DEFAULT_WORKERS = cpus if worker_class == WORKER_CLASSES["gevent"] else min(4, cpus * 2)
workers = int(os.environ.get("WEB_WORKERS", DEFAULT_WORKERS))
# gevent: connections one worker serves at once (viewers, pages, API calls); each relayed viewer
# also holds an origin connection, so a worker needs about 2 file descriptors per viewer.
worker_connections = int(os.environ.get("WEB_CONNECTIONS", "1000"))
threads = int(os.environ.get("WEB_THREADS", "8"))  # gthread only
# The worker's heartbeat, not a per-request limit: a long stream never trips it.
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
# On a restart or `docker compose stop`, running requests (streams) get this long to finish.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "120"))
# Kept above nginx's upstream keepalive_timeout (4 s) so nginx never reuses a closing connection.
# With gevent it is also the time a request's line and headers have to arrive (serving.py).
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))
# Request size limits, set just above nginx's (large_client_header_buffers 4 8k in nginx/nginx.conf),
# so that behind nginx an over-long request line or header is refused by nginx with the JSON / HTML
# answers of the app, never with gunicorn's own page. Run standalone, gunicorn enforces them itself.
limit_request_line = 8190           # gunicorn's maximum; nginx's request line limit is 8 KiB
limit_request_field_size = 16380    # one header line; nginx's is 8 KiB (X-Forwarded-For grows a little)
limit_request_fields = 10000        # nginx bounds the headers to 32 KiB in all, i.e. about 8,000 lines
# gunicorn's access log repeats what the app's JSON request log already says about each request
# (id, method, path, status, time), at ~3 % of a small API request's CPU: off by default in
# production (APP_ENV=production), "-" (stdout) elsewhere; GUNICORN_ACCESS_LOG names a file, "-", or
# is empty for off, in any environment.
ACCESS_LOG_DEFAULT = "" if os.environ.get("APP_ENV") == "production" else "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", ACCESS_LOG_DEFAULT) or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# rid is the X-Request-ID the app echoes (nginx's, or one the app generated); b is the body size sent.
# No query strings or referrers: those may carry tokens (signed playback URLs) and must not be logged.
access_log_format = 'rid=%({x-request-id}o)s remote=%(h)s "%(m)s %(U)s %(H)s" status=%(s)s bytes=%(b)s ms=%(M)s'
# gunicorn's control socket sits at one path per user by default, which several servers on one host
# (or a read-only home in the container) would fight over: off unless a path is given.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]


def pre_fork(server, worker):
    """Give the new gevent worker the lowest free slot of serving.SHARES (its connection count)."""
    if worker_class == WORKER_CLASSES["gevent"]:
        from serving import SHARES

        worker.reelhouse_slot = SHARES.free_slot(
            getattr(other, "reelhouse_slot", None) for other in server.WORKERS.values())


def child_exit(server, worker):
    """A worker exited: its slot (and connection count) is free."""
    if worker_class == WORKER_CLASSES["gevent"]:
        from serving import SHARES

        SHARES.clear(getattr(worker, "reelhouse_slot", None))


def post_worker_init(worker):
    """The worker has loaded the app: what it allocated at start-up (modules, the app, compiled
    statements and templates) lives as long as the worker, so it is moved out of the garbage
    collector's sight (`gc.freeze`). The full collections a busy worker runs now and then scan only
    what requests allocate, instead of pausing every connection of the worker for all of it."""
    import gc

    gc.freeze()
