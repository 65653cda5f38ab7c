"""Many simultaneous viewers, gunicorn reached directly (relay mode): the gevent worker vs gthread;
and the offload mode behind the shipped nginx.

Starts nginx as the video origin (one 300 MB file), a throwaway PostgreSQL database with one
company, one guest and the file as a URL-source video, and for each worker class
(`WEB_WORKER_CLASS`, same gunicorn.conf.py otherwise, with its default worker count unless --workers:
one gevent worker per CPU; gthread 2 per CPU, at most 4, with 8 threads each):

1. N viewers at once, each reading at 5 Mbit/s (625,000 B/s) for --seconds: how many get their rate
   (>= 95 % of it from their first byte on), the slowest first byte, and meanwhile the latency of
   /healthz and of a logged-in page (the library, `/`), probed by a separate process;
2. the workers' memory per idle viewer: N viewers that read the headers, then nothing;
3. 200 half-sent requests plus 200 streams that read nothing, all at once: /login's latency
   meanwhile, and how long until the server has closed them.

With --offload N[,M]: the same viewer steps in offload mode (X_ACCEL_REDIRECT=1, gevent)
behind the shipped nginx config (nginx/nginx.conf + offload.conf, rendered as the image renders
them), which moves the bytes from the origin itself.

Viewers are asyncio connections (64 KiB receive buffer each) spread over --client-processes
processes; all on 127.0.0.1. The script raises its open-files limit to the hard limit (the servers
it starts inherit it).

    .venv/bin/python bench/viewers.py [--viewers 60,200] [--seconds 20] [--modes gthread,gevent]
                                      [--offload 1000] [--client-processes 4]
"""
import argparse
import asyncio
import multiprocessing
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stream import (  # noqa: E402
    Gunicorn,
    free_port,
    login,
    setup_database,
)

RATE = 625_000  # 5 Mbit/s
# A viewer reads what is due in pieces of 1/20 s of its rate (31 KB). Reading each byte as soon as it
# was due woke every client about every millisecond: 200 viewers kept the client processes busier
# than the server (2.9 s of the 5 s of CPU the 2 cores had in the first 2.5 s of a burst, gunicorn 1.5 s).
PIECES_A_SECOND = 20
ORIGIN_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  types {{ video/mp4 mp4; }}
  server {{ listen 127.0.0.1:{origin_port}; root {tmp}/origin; }}
}}
"""


def app_server(worker_class, port, workers=None, **env):
    """gunicorn with gunicorn.conf.py and the given worker class (its default worker count unless
    `workers` is given), logging nothing."""
    return Gunicorn({"WEB_WORKER_CLASS": worker_class, "WEB_THREADS": "8", "GUNICORN_ACCESS_LOG": "",
                     "GUNICORN_ERROR_LOG": "/dev/null", **env}, port, workers=workers)


async def open_stream(port, path, cookie, rcvbuf=64 * 1024):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n".encode())
    return reader, writer


async def viewer(port, path, cookie, seconds, rate, delay=0.0):
    """After `delay`, read at `rate` for `seconds`; (first byte delay, bytes a second since the first
    byte) or None."""
    await asyncio.sleep(delay)
    started = time.monotonic()
    try:
        reader, writer = await open_stream(port, path, cookie)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=seconds + 30)
    except (TimeoutError, OSError, asyncio.IncompleteReadError):
        return None
    first = time.monotonic()
    if not head.startswith(b"HTTP/1.1 200"):
        writer.close()
        return None
    received, end, piece = 0, first + seconds, rate // PIECES_A_SECOND
    try:
        while (now := time.monotonic()) < end:
            due = rate * (now - first) - received
            if due < piece:  # as a player's buffer does: pull a piece at a time, not every byte once due
                await asyncio.sleep(min(end - now, (piece - due) / rate))
                continue
            data = await asyncio.wait_for(reader.read(min(int(due), 256 * 1024)), timeout=end - now + 1)
            if not data:
                break
            received += len(data)
    except (TimeoutError, OSError):
        pass
    writer.close()
    return first - started, received / (time.monotonic() - first)


def probe(base, cookie, seconds, results, paths=("/healthz", "/"), interval=0.05, timeout=10):
    """A separate process (its own CPU time and interpreter, not the clients'): GET each path every
    `interval` seconds, a new connection each time; a failure or timeout counts as `timeout`."""
    timings = {path: [] for path in paths}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for path, times in timings.items():
            start = time.monotonic()
            try:
                status = requests.get(base + path, headers={"Cookie": cookie}, timeout=timeout).status_code
            except requests.RequestException:
                status = None
            times.append((time.monotonic() - start) * 1000 if status == 200 else timeout * 1000)
        time.sleep(interval)
    results.put(timings)


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * share))] if values else float("nan")


def probing(base, cookie, seconds, **options):
    results = multiprocessing.Queue()
    process = multiprocessing.Process(target=probe, args=(base, cookie, seconds, results), kwargs=options)
    process.start()
    return process, results


def client_part(port, path, cookie, seconds, delays, start_at, results):
    """One client process: viewers that start `delays` seconds after `start_at` (a shared clock)."""
    async def run():
        await asyncio.sleep(max(0.0, start_at - time.time()))
        return await asyncio.gather(*(viewer(port, path, cookie, seconds, RATE, delay) for delay in delays))

    results.put(asyncio.run(run()))


def run_viewers(port, path, cookie, count, seconds, ramp, processes):
    """`count` viewers arriving evenly over `ramp` seconds, spread over `processes` client processes
    (one asyncio process cannot read hundreds of streams at their rate on a small machine)."""
    results, start_at = multiprocessing.Queue(), time.time() + 1.0
    delays = [ramp * n / count for n in range(count)]
    parts = [multiprocessing.Process(target=client_part, args=(port, path, cookie, seconds, delays[i::processes],
                                                               start_at, results)) for i in range(processes)]
    for part in parts:
        part.start()
    outcomes = [outcome for _ in parts for outcome in results.get()]
    for part in parts:
        part.join()
    return outcomes


def viewers_step(server, path, cookie, count, seconds, ramp, processes=4):
    """`count` viewers arriving evenly over `ramp` seconds (0: all at once), each watching `seconds`."""
    base = f"http://127.0.0.1:{server.port}"
    process, results = probing(base, cookie, seconds + ramp + 1)
    queued = []
    sampler = threading.Timer(1.0 + ramp + min(3, seconds / 2), lambda: queued.extend(send_queues(server.port)))
    sampler.start()
    outcomes = run_viewers(server.port, path, cookie, count, seconds, ramp, processes)
    sampler.join()
    timings = results.get()
    process.join()
    served = [o for o in outcomes if o is not None]
    at_rate = sum(1 for _, got in served if got >= 0.95 * RATE)
    first_bytes = [first for first, _ in served]
    return {
        "at_rate": at_rate,
        "failed": count - len(served),
        "first_byte_max": max(first_bytes) if first_bytes else float("nan"),
        "first_byte_median": statistics.median(first_bytes) if first_bytes else float("nan"),
        "healthz_p99": percentile(timings["/healthz"], 0.99),
        "page_p99": percentile(timings["/"], 0.99),
        "page_median": statistics.median(timings["/"]),
        "queued_median": statistics.median(queued) / 1024 if queued else float("nan"),
    }


def send_queues(port):
    """Bytes each server-side connection of 127.0.0.1:port holds, sent and not yet acknowledged or
    not yet sent (the kernel's tx_queue, /proc/net/tcp): what a viewer has been relayed ahead of
    what it has taken."""
    local = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return [int(row[4].partition(":")[0], 16) for row in rows if row[1] == local and row[3] == "01"]


def idle_cost(server, path, cookie, count):
    """KiB of worker memory per viewer that took the headers and then reads nothing."""
    async def run():
        before = server.rss_kib()
        streams = []
        for _ in range(count):
            reader, writer = await open_stream(server.port, path, cookie)
            streams.append((reader, writer))
        for reader, _ in streams:
            await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=60)
        await asyncio.sleep(3)
        during = server.rss_kib()
        for _, writer in streams:
            writer.close()
        return (during - before) / count

    return asyncio.run(run())


def attack(server, path, cookie, count, seconds):
    """count half-sent requests + count non-reading streams; /login latency meanwhile and closing times."""
    base = f"http://127.0.0.1:{server.port}"

    async def half_closed(reader, started):
        try:
            while await asyncio.wait_for(reader.read(1 << 20), timeout=seconds):
                pass
            return time.monotonic() - started
        except (TimeoutError, OSError):
            return None

    async def streams_closed(started):
        """Seconds until the server holds none of the streams (it closed them without their reading)."""
        while time.monotonic() - started < seconds:
            if not send_queues(server.port):
                return time.monotonic() - started
            await asyncio.sleep(0.5)
        return None

    async def run():
        started = time.monotonic()
        half, streams = [], []
        for _ in range(count):
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
            half.append((reader, writer))
            streams.append(await open_stream(server.port, path, cookie, rcvbuf=16 * 1024))
        # /login every 0.1 s for 10 s from a process of its own: in a thread of this one it would
        # wait for this process's event loop, busy with the 400 connections, and measure that.
        prober, results = probing(base, "", 10, paths=("/login",), interval=0.1, timeout=5)
        half_times = await asyncio.gather(*(half_closed(r, started) for r, _ in half))
        login_times = (await asyncio.get_running_loop().run_in_executor(None, results.get))["/login"]
        prober.join()
        stream_time = await streams_closed(started)
        for _, writer in half + streams:
            writer.close()
        return login_times, half_times, stream_time

    login_times, half_times, stream_time = asyncio.run(run())
    cut = [t for t in half_times if t is not None]
    return {
        "login_max": max(login_times), "login_p99": percentile(login_times, 0.99),
        "half_closed": len(cut), "half_closed_after": max(cut) if cut else float("nan"),
        "streams_closed_after": stream_time if stream_time is not None else float("nan"),
    }


def load():
    return open("/proc/loadavg").read().split()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", default="60,200", help="comma-separated viewer counts")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--ramps", default="0,10", help="seconds over which the viewers arrive (0: all at once)")
    parser.add_argument("--modes", default="gthread,gevent")
    parser.add_argument("--attack", type=int, default=200, help="half-sent requests (and as many idle streams)")
    parser.add_argument("--idle", type=int, default=200, help="idle viewers for the memory figure")
    parser.add_argument("--offload", default="", help="comma-separated viewer counts for the offload mode "
                                                      "behind the shipped nginx (e.g. 1000)")
    parser.add_argument("--client-processes", type=int, default=4, help="processes the viewers are spread over")
    parser.add_argument("--workers", type=int, help="WEB_WORKERS (default: gunicorn.conf.py's for the worker class)")
    args = parser.parse_args()
    # Each viewer is a socket here, and one in nginx or gunicorn (two in nginx in offload mode, with its
    # origin connection); the servers started below inherit the raised limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    tmp = Path(tempfile.mkdtemp(prefix="reelhouse-viewers-"))
    tmp.chmod(0o755)
    (tmp / "origin").mkdir()
    (tmp / "media").mkdir()
    block = os.urandom(1 << 20)
    with open(tmp / "origin" / "big.mp4", "wb") as out:
        for _ in range(300):
            out.write(block)
        out.flush()
        os.fsync(out.fileno())  # written back now, not by the kernel's threads during the first step
    origin_port = free_port()
    (tmp / "nginx.conf").write_text(ORIGIN_CONF.format(tmp=tmp, origin_port=origin_port))
    nginx = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
    drop = None
    try:
        (relay_id, _upload_id), drop = setup_database(tmp, origin_port, 300 << 20)
        path = f"/videos/{relay_id}/stream"
        print(f"relay mode, gunicorn reached directly; viewers at {RATE * 8 / 1e6:.0f} Mbit/s for "
              f"{args.seconds} s; nproc={os.cpu_count()}")
        for mode in (mode for mode in args.modes.split(",") if mode):
            server = app_server(mode, free_port(), args.workers)
            print(f"{mode}: {server.workers()} workers")
            try:
                cookie = login(f"http://127.0.0.1:{server.port}", "viewer@bench.example")
                steps = [(int(n), float(ramp)) for n in args.viewers.split(",") if n for ramp in args.ramps.split(",")]
                for count, ramp in steps:
                    load_before = load()
                    r = viewers_step(server, path, cookie, count, args.seconds, ramp, args.client_processes)
                    print_step(mode, count, ramp, r, load_before)
                    time.sleep(2)
                if mode == "gevent" and args.idle:
                    print(f"{mode:8} idle viewers: {idle_cost(server, path, cookie, args.idle):.0f} KiB of worker "
                          f"memory each ({args.idle} viewers that read nothing)")
                if args.attack:
                    r = attack(server, path, cookie, args.attack, 60)
                    print(f"{mode:8} {args.attack} half-sent + {args.attack} non-reading: /login p99 "
                          f"{r['login_p99']:.0f} ms, max {r['login_max']:.0f} ms (5000 = failed); closed by the "
                          f"server: {r['half_closed']} half-sent (last after {r['half_closed_after']:.1f} s), "
                          f"all streams after {r['streams_closed_after']:.1f} s (nan: not within 60 s)")
            finally:
                server.stop()
        if args.offload:
            offload_steps(tmp, path, args)
    finally:
        nginx.terminate()
        if drop:
            drop()


def print_step(mode, count, ramp, r, load_before):
    print(f"{mode:8} {count:4} viewers arriving over {ramp:2.0f} s: {r['at_rate']:4} at rate, "
          f"{r['failed']} failed; first byte "
          f"median {r['first_byte_median'] * 1000:.0f} ms, max {r['first_byte_max'] * 1000:.0f} ms; "
          f"p99 /healthz {r['healthz_p99']:.0f} ms, library page {r['page_p99']:.0f} ms "
          f"(median {r['page_median']:.0f}); queued per viewer {r['queued_median']:.0f} KiB (median); "
          f"load {load_before}->{load()}")


class Front:
    """The shipped nginx config (nginx/nginx.conf + offload.conf) in front of a gunicorn; `port` is nginx's."""

    def __init__(self, tmp, app_port):
        from offload_first_byte import front

        self.process, base = front(tmp, "front", app_port)
        self.port = int(base.rpartition(":")[2])


def offload_steps(tmp, path, args):
    """Offload mode (X_ACCEL_REDIRECT=1): the app checks and credits, nginx moves the bytes."""
    server = app_server("gevent", free_port(), args.workers, X_ACCEL_REDIRECT="1")
    print(f"offload mode behind the shipped nginx (worker_processes auto), gevent, {server.workers()} workers; "
          f"open files limit {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}")
    front = Front(tmp, server.port)
    try:
        cookie = login(f"http://127.0.0.1:{front.port}", "viewer@bench.example")
        for count in (int(n) for n in args.offload.split(",") if n):
            for ramp in (float(ramp) for ramp in args.ramps.split(",")):
                load_before = load()
                r = viewers_step(front, path, cookie, count, args.seconds, ramp, args.client_processes)
                print_step("offload", count, ramp, r, load_before)
                time.sleep(2)
    finally:
        front.process.terminate()
        front.process.wait(timeout=30)
        server.stop()


if __name__ == "__main__":
    main()
