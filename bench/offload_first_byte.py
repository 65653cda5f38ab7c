"""What checking the origin before the hand-off costs in time to first byte (offload mode).

In offload mode (X_ACCEL_REDIRECT=1) the app asks the origin for the video's first byte through
the address the SSRF guard checked before it credits a view and hands the transfer to nginx; a
request that cannot earn points (a seek after the view, HEAD) uses a check remembered
ORIGIN_CHECK_TTL seconds. This script starts an nginx origin with a 16 MB file, the app under
gunicorn twice behind the shipped nginx config (nginx/nginx.conf + offload.conf, rendered as the
image renders them) - once as configured, once with ORIGIN_CHECK_TTL=0 so that every request
checks, as a first view always does - and prints the median time to first byte of a 1 KiB ranged
GET (alternating rounds) for: the origin straight, offload with the check remembered, offload
checking every time.

    .venv/bin/python bench/offload_first_byte.py [--rounds 41]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(1, str(ROOT))
import stream as stream_bench  # noqa: E402  (setup, gunicorn, login and curl helpers)

from tests.support.nginx_config import render_nginx_config  # noqa: E402  (as the nginx image renders it)

ORIGIN_CONF = """
worker_processes 1;
pid {tmp}/origin.pid;
error_log {tmp}/origin-error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/obody; proxy_temp_path {tmp}/oproxy; fastcgi_temp_path {tmp}/ofcgi;
  uwsgi_temp_path {tmp}/ouwsgi; scgi_temp_path {tmp}/oscgi;
  types {{ video/mp4 mp4; }}
  server {{ listen 127.0.0.1:{port}; root {tmp}/origin; }}
}}
"""


def front(tmp, name, app_port):
    """The shipped nginx config in front of one gunicorn; returns (process, base URL)."""
    port = stream_bench.free_port()
    run_dir = tmp / name
    config = render_nginx_config(run_dir, {
        "NGINX_LISTEN": f"127.0.0.1:{port}", "WEB_UPSTREAM": f"127.0.0.1:{app_port}",
        "STATIC_ROOT": str(ROOT / "static"), "MEDIA_ROOT": str(tmp / "media"), "NGINX_RUN_DIR": str(run_dir),
        "NGINX_LOG_DIR": str(run_dir), "NGINX_CA_CERTIFICATES": "/etc/ssl/certs/ca-certificates.crt",
        "NGINX_CLIENT_MAX_BODY_SIZE": "1m", "MAX_UPLOAD_MB": "1"})
    process = subprocess.Popen(["nginx", "-p", str(run_dir), "-c", str(config), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    stream_bench.wait_for(f"{base}/healthz")
    return process, base


def check_alone_ms(url, rounds):
    """Median duration of the app's origin check itself (what a first view adds before the hand-off)."""
    from webapp import create_app
    from webapp.media.origin import check_origin

    with create_app().app_context():
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            check_origin(url)
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    args = parser.parse_args()
    size = 16 * 1024 * 1024
    tmp = Path(tempfile.mkdtemp(prefix="reelhouse-bench-"))
    tmp.chmod(0o755)
    for folder in ("origin", "media"):
        (tmp / folder).mkdir()
    (tmp / "origin" / "big.mp4").write_bytes(os.urandom(size))
    origin_port = stream_bench.free_port()
    (tmp / "origin.conf").write_text(ORIGIN_CONF.format(tmp=tmp, port=origin_port))
    processes = [subprocess.Popen(["nginx", "-c", str(tmp / "origin.conf"), "-g", "daemon off;"])]
    servers, drop = [], None
    try:
        (video_id, _), drop = stream_bench.setup_database(tmp, origin_port, size)
        origin_url = f"http://127.0.0.1:{origin_port}/big.mp4"
        stream_bench.wait_for(origin_url)
        urls = {"origin straight (nginx)": (origin_url, None)}
        for label, env in (("offload, check remembered", {}), ("offload, check every time", {"ORIGIN_CHECK_TTL": "0"})):
            app = stream_bench.Gunicorn({"X_ACCEL_REDIRECT": "1", **env, **stream_bench.QUIET},
                                        stream_bench.free_port())
            servers.append(app)
            nginx, base = front(tmp, f"front-{len(servers)}", app.port)
            processes.append(nginx)
            cookie = stream_bench.login(base, "viewer@bench.example")
            urls[label] = (f"{base}/videos/{video_id}/stream", cookie)
        for url, cookie in urls.values():  # warm up: first view, pooled connections
            stream_bench.curl(url, cookie, "bytes=0-1023")
        timings = {label: [] for label in urls}
        for _ in range(args.rounds):
            for label, (url, cookie) in urls.items():
                ttfb, _, sent = stream_bench.curl(url, cookie, "bytes=0-1023")
                if sent != 1024:
                    raise RuntimeError(f"{label}: {sent} bytes for a 1 KiB range")
                timings[label].append(ttfb * 1000)
        print(f"time to first byte of a 1 KiB ranged GET, median of {args.rounds} alternating rounds (ms)")
        baseline = statistics.median(timings["origin straight (nginx)"])
        for label, values in timings.items():
            median = statistics.median(values)
            print(f"  {label:28s} {median:6.1f}   p90 {sorted(values)[int(len(values) * 0.9)]:6.1f}"
                  f"   +{median - baseline:5.1f} over the origin")
        cost = statistics.median(timings["offload, check every time"]) - statistics.median(
            timings["offload, check remembered"])
        print(f"difference, every time - remembered: {cost:+.1f} ms")
        print(f"the check alone, in the app's process: {check_alone_ms(origin_url, args.rounds):.2f} ms (median)")
    finally:
        for server in servers:
            server.stop()
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        if drop:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
