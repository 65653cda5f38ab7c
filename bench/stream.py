"""Benchmark of the stream route against nginx serving the same 1 GB file, all on 127.0.0.1.

Starts nginx (origin + an offload front), the app under gunicorn (its gevent worker, one process) on a
throwaway PostgreSQL database, logs in through the real form, and prints: throughput and time to
first byte through the relay vs straight from nginx, the worker's RSS growth, the same with 4
concurrent viewers, the latency of a cheap page during a stream, and the X-Accel offload mode.

    /work/main/.venv/bin/python bench/stream.py [--size-mb 1024] [--sweep 65536,1048576,4194304]
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
PASSWORD = "bench-password-2026"
NGINX_CONF = """
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  sendfile on; tcp_nopush on;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  types {{ video/mp4 mp4; }}
  server {{  # the video origin
    listen 127.0.0.1:{origin_port};
    root {tmp}/origin;
  }}
  server {{  # the production front: app behind nginx, bytes moved by nginx (X-Accel-Redirect)
    listen 127.0.0.1:{front_port};
    location / {{ proxy_pass http://127.0.0.1:{offload_app_port}; proxy_http_version 1.1;
                 proxy_set_header Host $http_host; }}
    location /_media/ {{ internal; alias {tmp}/media/; }}
    location = /_origin {{  # the contract of nginx/offload.conf: the address the app checked
      internal;
      set $origin_scheme $upstream_http_x_origin_scheme;  # read before proxy_pass starts a new upstream
      set $origin_address $upstream_http_x_origin_address;
      set $origin_host $upstream_http_x_origin_host;
      set $origin_path $upstream_http_x_origin_path;
      proxy_pass $origin_scheme://$origin_address$origin_path;
      proxy_set_header Host $origin_host;
      proxy_http_version 1.1;
      proxy_set_header Cookie ""; proxy_set_header Authorization "";
      proxy_max_temp_file_size 0;
      proxy_buffer_size 256k; proxy_buffers 8 1m; proxy_busy_buffers_size 4m;
    }}
    location /_proxied/ {{  # baseline: nginx itself proxying the origin, same buffers
      proxy_pass http://127.0.0.1:{origin_port}/;
      proxy_http_version 1.1;
      proxy_max_temp_file_size 0;
      proxy_buffer_size 256k; proxy_buffers 8 1m; proxy_busy_buffers_size 4m;
    }}
  }}
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def curl(url, cookie=None, range_header=None):
    """(time to first byte, total seconds, bytes) of one download, read by curl into /dev/null."""
    command = ["curl", "-sS", "-o", "/dev/null", "-w", "%{time_starttransfer} %{time_total} %{size_download}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if range_header:
        command += ["-H", f"Range: {range_header}"]
    ttfb, total, size = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout.split()
    return float(ttfb), float(total), int(size)


def rss_kib(pid):
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1))


class RssPeak(threading.Thread):
    """Samples a process's RSS every 20 ms until stopped; keeps the peak."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, rss_kib(pid), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.join()
        return self.peak


def parallel_downloads(url, viewers, cookie=None):
    """Aggregate bytes/s of `viewers` simultaneous full downloads."""
    start = time.perf_counter()
    processes = [subprocess.Popen(["curl", "-sS", "-o", "/dev/null", "-H", f"Cookie: {cookie or ''}", url])
                 for _ in range(viewers)]
    for process in processes:
        if process.wait() != 0:
            raise RuntimeError("a download failed")
    return time.perf_counter() - start


QUIET = {"GUNICORN_ACCESS_LOG": "/dev/null"}  # no access-log line per request (its CPU is not what is measured)


class Gunicorn:
    """gunicorn running the app as deployed (`gunicorn.conf.py`) from `code_dir` (this checkout unless
    given), with `env` over this environment; its output is discarded. The server settings of this
    environment (worker count and class, log files) are left out, so that `code_dir`'s own defaults
    apply unless `env` sets them; `workers`: WEB_WORKERS (None: gunicorn.conf.py's default)."""

    SERVER_SETTINGS = ("WEB_WORKERS", "WEB_WORKER_CLASS", "GUNICORN_ACCESS_LOG", "GUNICORN_ERROR_LOG")

    def __init__(self, env, port, *, code_dir=ROOT, workers=1):
        self.port = port
        env = {**{name: value for name, value in os.environ.items() if name not in self.SERVER_SETTINGS},
               **env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        if workers:
            env["WEB_WORKERS"] = str(workers)
        self.process = subprocess.Popen([str(BIN / "gunicorn"), "wsgi:app", "-c", "gunicorn.conf.py"], cwd=code_dir,
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(f"http://127.0.0.1:{port}/healthz", timeout=90)

    @property
    def worker_pid(self):
        return worker_pids(self.process)[0]

    def workers(self):
        return len(worker_pids(self.process))

    def rss_kib(self):
        """Resident memory of the workers together."""
        return sum(rss_kib(pid) for pid in worker_pids(self.process))

    def cpu_seconds(self):
        """CPU time (user + system) used so far by the workers."""
        total = 0
        for pid in worker_pids(self.process):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self):
        stop_server(self.process)


def worker_pids(process):
    """Process ids of a gunicorn master's workers."""
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True)
    return [int(pid) for pid in children.stdout.split()]


def stop_server(process):
    """Stop a server process (gunicorn lets running requests finish first), killing it after 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def login(base, email):
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    session.post(f"{base}/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    cookie = session.cookies.get("session")
    if not cookie:
        raise RuntimeError("login failed")
    return f"session={cookie}"


def latency_ms(url, cookie, count=40):
    """Median and 95th percentile of a cheap page's response time."""
    session = requests.Session()
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        session.get(url, headers={"Cookie": cookie}, timeout=10).raise_for_status()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def median_ttfb(url, cookie=None, count=15):
    """Median time to first byte of a 1 KiB ranged GET (checked to really be 1 KiB)."""
    timings = []
    for _ in range(count):
        ttfb, _, size = curl(url, cookie, "bytes=0-1023")
        if size != 1024:
            raise RuntimeError(f"{url} answered a 1 KiB range with {size} bytes")
        timings.append(ttfb)
    return statistics.median(timings) * 1000


def setup_database(tmp, origin_port, size):
    """A throwaway database, migrated, with one company, one guest, a URL video and an upload."""
    name = f"reelhouse_bench_{os.getpid()}"
    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    os.environ.update({"DATABASE_URL": url, "MEDIA_ROOT": str(tmp / "media"), "SECRET_KEY": "bench-secret",
                       "REDIS_URL": REDIS_URL, "VIDEO_SOURCE_ALLOWED_HOSTS": f"127.0.0.1:{origin_port}",
                       "APP_ENV": "development"})
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.core.extensions import db
    from webapp.models import Corporation, User, Video

    app = create_app()
    with app.app_context():
        upgrade()
        corporation = Corporation(name="Bench Co", activated_at=datetime.now(UTC))
        guest = User(corporation=corporation, email="viewer@bench.example", role="guest")
        guest.set_password(PASSWORD)
        relay = Video(corporation=corporation, title="1 GB", source_url=f"http://127.0.0.1:{origin_port}/big.mp4")
        upload = Video(corporation=corporation, title="1 GB upload", file_key="big.mp4", size_bytes=size)
        db.session.add_all([corporation, guest, relay, upload])
        db.session.commit()
        ids = relay.id, upload.id
        db.engine.dispose()

    def drop():
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return ids, drop


def gbps(size, seconds):
    return size / seconds / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--chunk-size", type=int, help="STREAM_CHUNK_SIZE for the app (default: config's)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating nginx/relay rounds (1 viewer)")
    parser.add_argument("--sweep", help="comma-separated chunk sizes to compare (single viewer)")
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024
    tmp = Path(tempfile.mkdtemp(prefix="reelhouse-bench-"))
    tmp.chmod(0o755)
    for folder in ("origin", "media"):
        (tmp / folder).mkdir()
    block = os.urandom(1024 * 1024)
    with open(tmp / "origin" / "big.mp4", "wb") as out:
        for _ in range(args.size_mb):
            out.write(block)
    os.link(tmp / "origin" / "big.mp4", tmp / "media" / "big.mp4")
    origin_port, front_port, app_port, offload_port = (free_port() for _ in range(4))
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, origin_port=origin_port, front_port=front_port,
                                                      offload_app_port=offload_port))
    nginx = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
    drop = None
    servers = []
    try:
        (relay_id, upload_id), drop = setup_database(tmp, origin_port, size)
        origin_url = f"http://127.0.0.1:{origin_port}/big.mp4"
        wait_for(origin_url.replace("big.mp4", ""))
        env = {"STREAM_CHUNK_SIZE": str(args.chunk_size)} if args.chunk_size else {}
        app = Gunicorn({**env, **QUIET}, app_port)
        servers.append(app)
        base = f"http://127.0.0.1:{app_port}"
        cookie = login(base, "viewer@bench.example")
        stream_url = f"{base}/videos/{relay_id}/stream"
        curl(stream_url, cookie, "bytes=0-1023")  # warm up: first view, pooled connection
        curl(origin_url, None, "bytes=0-1023")
        print(f"file: {args.size_mb} MB; nginx origin and gunicorn (gevent worker, 1 process) on 127.0.0.1")
        chunk = args.chunk_size or "default (STREAM_CHUNK_SIZE)"
        print(f"relay chunk size: {chunk}\n")

        # Alternate the two sources so that both see the same machine load; report medians.
        nginx_runs, relay_runs = [], []
        before = rss_kib(app.worker_pid)
        sampler = RssPeak(app.worker_pid)
        sampler.start()
        for _ in range(args.rounds):
            nginx_runs.append(curl(origin_url)[1])
            _, relay_total, relayed = curl(stream_url, cookie)
            relay_runs.append(relay_total)
            if relayed != size:
                raise RuntimeError(f"the relay sent {relayed} of {size} bytes")
        growth = (sampler.stop() - before) / 1024
        nginx_total, relay_total = statistics.median(nginx_runs), statistics.median(relay_runs)
        ratios = sorted(n / r for n, r in zip(nginx_runs, relay_runs))
        print(f"1 viewer, full file (median of {args.rounds} alternating rounds)")
        print(f"  nginx direct      {gbps(size, nginx_total):6.2f} GB/s")
        print(f"  stream route      {gbps(size, relay_total):6.2f} GB/s   ratio {statistics.median(ratios):.2f}x"
              f" (rounds: {', '.join(f'{r:.2f}' for r in ratios)})  (target >= 0.9x)")
        print(f"  worker RSS growth {growth:6.1f} MB       (peak over all rounds; target <= 64 MB per 1 GB)")
        origin_ttfb, relay_ttfb = median_ttfb(origin_url), median_ttfb(stream_url, cookie)
        print(f"time to first byte (median of 15 ranged GETs): nginx {origin_ttfb:.1f} ms, "
              f"stream route {relay_ttfb:.1f} ms, +{relay_ttfb - origin_ttfb:.1f} ms  (target <= +20 ms)\n")

        nginx_4 = parallel_downloads(origin_url, 4)
        sampler = RssPeak(app.worker_pid)
        before = sampler.peak
        sampler.start()
        relay_4 = parallel_downloads(stream_url, 4, cookie)
        growth_4 = (sampler.stop() - before) / 1024
        print("4 concurrent viewers, full file each (aggregate)")
        print(f"  nginx direct      {gbps(4 * size, nginx_4):6.2f} GB/s")
        print(f"  stream route      {gbps(4 * size, relay_4):6.2f} GB/s   ratio {nginx_4 / relay_4:.2f}x")
        print(f"  worker RSS growth {growth_4:6.1f} MB\n")

        status_url = f"{base}/watch/{relay_id}/status"
        idle = latency_ms(status_url, cookie)
        streaming = threading.Thread(target=curl, args=(stream_url, cookie))
        streaming.start()
        time.sleep(0.2)
        busy = latency_ms(status_url, cookie)
        streaming.join()
        print("cheap page (/watch/<id>/status: session + 2 queries), median / p95")
        print(f"  idle              {idle[0]:6.1f} / {idle[1]:.1f} ms")
        print(f"  during a stream   {busy[0]:6.1f} / {busy[1]:.1f} ms\n")

        offload = Gunicorn({"X_ACCEL_REDIRECT": "1", **QUIET}, offload_port)
        servers.append(offload)
        front = f"http://127.0.0.1:{front_port}"
        front_cookie = login(front, "viewer@bench.example")
        _, proxied_total, _ = curl(f"{front}/_proxied/big.mp4")
        print("baseline: nginx proxying the origin (what any relay costs on this machine)")
        print(f"  throughput        {gbps(size, proxied_total):6.2f} GB/s   ratio {nginx_total / proxied_total:.2f}x"
              " of nginx direct")
        for label, video_id in (("URL source via /_origin", relay_id), ("upload via /_media", upload_id)):
            url = f"{front}/videos/{video_id}/stream"
            curl(url, front_cookie, "bytes=0-1023")
            _, total, sent = curl(url, front_cookie)
            if sent != size:
                raise RuntimeError(f"offload sent {sent} bytes; nginx says:\n"
                                   + (tmp / "nginx-error.log").read_text()[-2000:])
            ttfb = median_ttfb(url, front_cookie)
            print(f"offload (X_ACCEL_REDIRECT=1, nginx front), {label}")
            print(f"  throughput        {gbps(size, total):6.2f} GB/s   ratio {nginx_total / total:.2f}x of nginx"
                  f" direct; first byte {ttfb:.1f} ms (+{ttfb - origin_ttfb:.1f} ms)")

        for chunk_size in [int(c) for c in (args.sweep or "").split(",") if c]:
            app.stop()
            servers.remove(app)
            app = Gunicorn({"STREAM_CHUNK_SIZE": str(chunk_size), **QUIET}, app_port)
            servers.append(app)
            curl(stream_url, cookie, "bytes=0-1023")
            runs = [curl(stream_url, cookie)[1] for _ in range(2)]
            print(f"sweep: chunk {chunk_size // 1024:5d} KiB  "
                  + ", ".join(f"{gbps(size, total):.2f} GB/s ({nginx_total / total:.2f}x)" for total in runs))
    finally:
        for server in servers:
            server.stop()
        nginx.terminate()
        nginx.wait(timeout=10)
        if drop:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
