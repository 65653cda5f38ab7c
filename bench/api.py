"""JSON API throughput with wrk: this checkout against a baseline git revision, in the same run.

Exports the baseline revision (default: the commit before the API work, see docs/performance.md)
with `git archive` into a temporary folder, creates a throwaway PostgreSQL database (migrated by
this checkout) with one company, its admin and 60 videos, logs in through the API once, and starts
two gunicorn servers on the same database, each with its own code, `gunicorn.conf.py` and
production defaults (APP_ENV=production; each its own worker class and default worker count: gthread,
4 x 8 threads, before; gevent, one worker per CPU, now; output discarded). Then, for each request, rounds
alternate between the two servers: `wrk -t2 -c32 -d<seconds>s --latency` with the Bearer token.
Prints requests per second and p99 latency (medians over the rounds), the ratio, the workers' CPU
time per request (less sensitive to other load on the machine than rps) and the load average.

    .venv/bin/python bench/api.py [--baseline REV] [--rounds 3] [--seconds 10]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stream import ROOT, Gunicorn, free_port  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
PASSWORD = "bench-password-2026"
BASELINE = "f1a2ca1"  # main before the gevent worker and the API work


def setup_database():
    """A throwaway database, migrated, with one company, its admin and 60 videos; (url, video id, drop)."""
    name = f"reelhouse_api_bench_{os.getpid()}"
    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnop",
                       "REDIS_URL": REDIS_URL, "APP_ENV": "development", "ACCESS_TOKEN_TTL": "7200"})
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.core.extensions import db
    from webapp.models import Corporation, User, Video

    app = create_app()
    with app.app_context():
        upgrade()
        corporation = Corporation(name="Bench Co", activated_at=datetime.now(UTC))
        user = User(corporation=corporation, email="admin@bench.example", role="admin")
        user.set_password(PASSWORD)
        videos = [Video(corporation=corporation, title=f"Training video {n}",
                        source_url=f"https://videos.example.com/{n}.mp4") for n in range(60)]
        db.session.add_all([corporation, user, *videos])
        db.session.commit()
        video_id = videos[-1].id
        db.engine.dispose()

    def drop():
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return video_id, drop


def app_server(code_dir, port, tmp, workers=None):
    """gunicorn from `code_dir` as deployed (APP_ENV=production, its own gunicorn.conf.py and log
    defaults and worker count unless `workers` is given); its output is discarded."""
    return Gunicorn({"APP_ENV": "production", "SESSION_COOKIE_SECURE": "0", "MEDIA_ROOT": str(tmp / "media"),
                     "INSTANCE_PATH": str(tmp / "instance")}, port, code_dir=code_dir, workers=workers)


def measured(server, path, token, seconds):
    """wrk against one server: (rps, p99 ms, non-2xx count, worker CPU ms per request)."""
    before = server.cpu_seconds()
    rps, p99, errors = wrk(f"http://127.0.0.1:{server.port}{path}", token, seconds)
    return rps, p99, errors, (server.cpu_seconds() - before) * 1000 / (rps * seconds)


def wrk(url, token, seconds):
    """(requests per second, p99 ms, non-2xx count) of one wrk run."""
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {token}",
                          url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


def load():
    return open("/proc/loadavg").read().split()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, help="WEB_WORKERS of this checkout's server "
                                                      "(default: its gunicorn.conf.py's)")
    parser.add_argument("--only", help="comma-separated request names (video,me,list,healthz)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="reelhouse-api-bench-"))
    baseline_dir = tmp / "baseline"
    baseline_dir.mkdir()
    archive = subprocess.run(["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(baseline_dir)], input=archive, check=True)
    drop = None
    servers = {}
    try:
        video_id, drop = setup_database()
        servers["baseline"] = app_server(baseline_dir, free_port(), tmp)
        servers["new"] = app_server(ROOT, free_port(), tmp, workers=args.workers)
        token = requests.post(f"http://127.0.0.1:{servers['new'].port}/api/v1/auth/login", timeout=30,
                              json={"email": "admin@bench.example", "password": PASSWORD}).json()["access_token"]
        paths = {"video": f"/api/v1/videos/{video_id}", "me": "/api/v1/me",
                 "list": "/api/v1/videos?per_page=20", "healthz": "/healthz"}
        if args.only:
            paths = {name: paths[name] for name in args.only.split(",")}
        for server in servers.values():  # warm up every worker's connections and caches
            for path in paths.values():
                wrk(f"http://127.0.0.1:{server.port}{path}", token, 2)
        print(f"baseline {args.baseline} vs this checkout; wrk -t2 -c32 -d{args.seconds}s, "
              f"{args.rounds} alternating rounds, medians; nproc={os.cpu_count()}")
        for name, path in paths.items():
            runs = {"baseline": [], "new": []}
            loads = [load()]
            for _ in range(args.rounds):
                for label, server in servers.items():
                    runs[label].append(measured(server, path, token, args.seconds))
                loads.append(load())
            base_rps = statistics.median(r[0] for r in runs["baseline"])
            new_rps = statistics.median(r[0] for r in runs["new"])
            ratios = sorted(n[0] / b[0] for n, b in zip(runs["new"], runs["baseline"]))
            print(f"{name:8} {path:30} baseline {base_rps:6.0f} rps p99 "
                  f"{statistics.median(r[1] for r in runs['baseline']):6.1f} ms | new {new_rps:6.0f} rps p99 "
                  f"{statistics.median(r[1] for r in runs['new']):6.1f} ms | ratio {new_rps / base_rps:.2f}x "
                  f"(rounds {', '.join(f'{r:.2f}' for r in ratios)}) | CPU/request "
                  f"{statistics.median(r[3] for r in runs['baseline']):.2f} -> "
                  f"{statistics.median(r[3] for r in runs['new']):.2f} ms | errors "
                  f"{sum(r[2] for r in runs['baseline'])}/{sum(r[2] for r in runs['new'])} | load {' '.join(loads)}")
    finally:
        for server in servers.values():
            server.stop()
        if drop:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
