"""Peak memory of receiving an upload: a 1 MB file (baseline) against a large one, same code path.

Each size runs in a fresh process: the multipart body is streamed from a file on disk through
Werkzeug's form parser (spooled on MEDIA_ROOT's disk, see webapp/media/spool.py) into
storage.save_upload, exactly as the upload page does. The process's peak resident memory
(VmHWM) is printed for each size with the ratio against the baseline.

    python bench/upload_memory.py [LARGE_MB]     (default 256)
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BOUNDARY = "reelhouse-bench-boundary"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def write_body(path: Path, size_mb: int, fields: dict | None = None) -> int:
    """A multipart/form-data body holding the form `fields` and one file of size_mb MB that starts like an MP4."""
    chunk = b"\0" * (1024 * 1024)
    with open(path, "wb") as out:
        for name, value in (fields or {}).items():
            out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
                  f"Content-Type: video/mp4\r\n\r\n".encode())
        out.write(MP4_HEAD + chunk[len(MP4_HEAD):])
        for _ in range(size_mb - 1):
            out.write(chunk)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path.stat().st_size


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(size_mb: int) -> None:
    """Receive one upload of size_mb MB and print: size_mb peak_kb seconds."""
    from flask import request

    from config import TestingConfig
    from webapp import create_app
    from webapp.media import storage

    work = Path(tempfile.mkdtemp(prefix="reelhouse-bench-"))
    app = create_app(TestingConfig, {"MEDIA_ROOT": str(work / "media"), "WTF_CSRF_ENABLED": False,
                                     "MAX_UPLOAD_MB": 4096, "MAX_CONTENT_LENGTH": None,
                                     "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.post("/bench-upload")
    def bench_upload():
        file_key, _, size = storage.save_upload(request.files["file"].stream)
        storage.delete_file(file_key)
        return {"size": size}

    body = work / "body"
    length = write_body(body, size_mb)
    client = app.test_client()
    with open(body, "rb") as stream:
        started = time.perf_counter()
        response = client.post("/bench-upload", input_stream=stream, content_length=length,
                               content_type=f"multipart/form-data; boundary={BOUNDARY}")
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["size"] == size_mb * 1024 * 1024
    body.unlink()
    print(size_mb, peak_rss_kb(), f"{elapsed:.3f}")


def measure(size_mb: int) -> tuple[int, float]:
    output = subprocess.run([sys.executable, __file__, "--child", str(size_mb)], check=True,
                            capture_output=True, text=True, env={**os.environ, "APP_ENV": "testing"}).stdout
    _, peak_kb, seconds = output.split()
    return int(peak_kb), float(seconds)


def main() -> None:
    large_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    base_kb, base_s = measure(1)
    large_kb, large_s = measure(large_mb)
    print(f"baseline   1 MB upload: peak RSS {base_kb / 1024:7.1f} MiB  ({base_s:.2f} s)")
    print(f"large   {large_mb:4d} MB upload: peak RSS {large_kb / 1024:7.1f} MiB  ({large_s:.2f} s, "
          f"{large_mb / large_s:.0f} MB/s)")
    print(f"ratio large/baseline peak RSS: {large_kb / base_kb:.3f}  "
          f"(+{(large_kb - base_kb) / 1024:.1f} MiB for {large_mb - 1} MB more data)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        main()
