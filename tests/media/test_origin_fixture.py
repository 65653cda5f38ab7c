"""The origin server fixture really serves byte ranges, as production origins do."""
import requests


def test_origin_serves_full_and_ranged_reads(origin):
    data = bytes(range(256)) * 100
    url = origin.add_file("bytes.mp4", data)
    full = requests.get(url, timeout=5)
    assert full.content == data and full.headers["Accept-Ranges"] == "bytes"
    part = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=5)
    assert part.status_code == 206 and part.content == data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert requests.get(url, headers={"Range": f"bytes={len(data)}-"}, timeout=5).status_code == 416
