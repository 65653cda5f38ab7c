"""What probing costs: bytes read from the origin, requests, time and peak memory, for a 1 GB MP4
with its index at the front (faststart) and at the end, against a 1 MB clip as the baseline; then
the same 1 GB files from an origin without Range support, which is read forward only up to
PROBE_FORWARD_MAX_MB (the cap): the figures show what the origin sent and that reading stopped there.

The files are made cheaply (tests/support/clips.py): a real 1.5 s H.264/AAC clip padded with a
sparse `free` box, so 1 GB takes no disk blocks. A real HTTP origin with Range support serves them
on loopback; each case runs `examine()` (the probe job's reading: guarded Range reader, PyAV probe,
poster) in a fresh process, whose peak resident memory (VmHWM) is the figure for a worker's job.

    python bench/probe.py [SIZE_MB]     (default 1024)
"""
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def no_range_answer(path: Path, sent: dict):
    """An origin answer that ignores Range (always 200, the whole file) and counts the bytes it sent."""
    from werkzeug.wrappers import Response

    def answer(request):
        def body():
            with open(path, "rb") as handle:
                while chunk := handle.read(256 * 1024):
                    sent[path.name] = sent.get(path.name, 0) + len(chunk)
                    yield chunk

        return Response(body(), mimetype="video/mp4", headers={"Content-Length": str(path.stat().st_size)})

    return answer


def child(url: str, media_root: str, port: int) -> None:
    """Probe one URL in this process and print the figures as JSON."""
    from config import TestingConfig
    from webapp import create_app
    from webapp.media.examine import examine
    from webapp.media.source import Deadline

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://", "MEDIA_ROOT": media_root,
                                     "VIDEO_SOURCE_ALLOWED_HOSTS": [f"127.0.0.1:{port}"]})
    with app.app_context():
        started = time.perf_counter()
        result = examine(1, url, None, Deadline(300))
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "bytes_read": result.bytes_read, "requests": result.requests,
                      "problem": result.problem, "warning": result.warning, "supports_range": result.supports_range,
                      "cap_mb": app.config["PROBE_FORWARD_MAX_MB"], "faststart": result.facts.faststart,
                      "duration": result.facts.duration_seconds, "peak_rss_kb": peak_rss_kb()}))


def main(size_mb: int) -> None:
    from tests.support.clips import make_clip, padded_mp4
    from tests.support.origin import OriginServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        front = make_clip(folder / "front-src.mp4")
        end = make_clip(folder / "end-src.mp4", faststart=False)
        origin = OriginServer(folder / "origin").start()
        padded_mp4(front, origin.root / "baseline.mp4", 1024 * 1024, index_at_end=False)
        padded_mp4(front, origin.root / "faststart.mp4", size_mb * 1024 * 1024, index_at_end=False)
        padded_mp4(end, origin.root / "moov-at-end.mp4", size_mb * 1024 * 1024, index_at_end=True)
        print(f"{'file':<18}{'size':>10}{'read':>12}{'requests':>10}{'time s':>9}{'peak RSS':>11}{'RSS ratio':>11}")
        baseline = None
        for name in ("baseline.mp4", "faststart.mp4", "moov-at-end.mp4"):
            figures = run_child(origin, name, folder)
            assert figures["problem"] is None, figures
            baseline = baseline or figures["peak_rss_kb"]
            size = (origin.root / name).stat().st_size
            print(f"{name:<18}{size / 2**20:>8.0f}MB{figures['bytes_read'] / 2**20:>10.2f}MB{figures['requests']:>10}"
                  f"{figures['seconds']:>9.3f}{figures['peak_rss_kb'] / 1024:>9.0f}MB"
                  f"{figures['peak_rss_kb'] / baseline:>11.2f}")

        print("\nOrigin without Range support (read forward, capped at PROBE_FORWARD_MAX_MB):")
        print(f"{'file':<18}{'size':>10}{'read':>12}{'sent':>12}{'time s':>9}{'peak RSS':>11}  outcome")
        sent = {}
        for name in ("faststart.mp4", "moov-at-end.mp4"):
            origin.answers[f"no-range/{name}"] = no_range_answer(origin.root / name, sent)
            figures = run_child(origin, f"no-range/{name}", folder)
            cap = figures["cap_mb"] * 2**20
            size = (origin.root / name).stat().st_size
            assert figures["supports_range"] is False and figures["bytes_read"] <= cap, figures
            outcome = f"failed: {figures['problem']}" if figures["problem"] else f"ready, warning: {figures['warning']}"
            print(f"{name:<18}{size / 2**20:>8.0f}MB{figures['bytes_read'] / 2**20:>10.2f}MB"
                  f"{sent.get(name, 0) / 2**20:>10.2f}MB{figures['seconds']:>9.3f}"
                  f"{figures['peak_rss_kb'] / 1024:>9.0f}MB  {outcome}")
            print(f"{'':<18}stopped at the cap of {figures['cap_mb']} MB: "
                  f"{'yes' if figures['bytes_read'] == cap and sent.get(name, 0) < size else 'NO'}")
        origin.stop()


def run_child(origin, name: str, folder: Path) -> dict:
    """Probe one file of the origin in a fresh process; its figures."""
    output = subprocess.run([sys.executable, __file__, "--child", origin.url(name), str(folder / "media"),
                             str(origin.port)], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        os.environ.setdefault("APP_ENV", "testing")
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
