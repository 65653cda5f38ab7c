"""Fixtures of the browser tests."""
import struct

import pytest

from tests import factories
from tests.support.media import store_object
from tests.support.pages import DEMO_MP4
from webapp.demo import DEMO_MEDIA


@pytest.fixture
def big_mp4(tmp_path):
    """The demo MP4 padded with a top-level 'free' box to 6 MB: still a valid MP4, slow to send."""
    padding = 6 * 1024 * 1024 - DEMO_MP4.stat().st_size
    path = tmp_path / "all-hands.mp4"
    path.write_bytes(DEMO_MP4.read_bytes() + struct.pack(">I", padding) + b"free" + b"\0" * (padding - 8))
    return path


@pytest.fixture(params=["upload", "url", "url of unknown type"])
def colour_bars(request, corporation, origin):
    """The demo clip (8 s, H.264) as an uploaded file, as a URL on the origin server, and as a URL
    without an extension (sent as application/octet-stream: Chromium plays it all the same)."""
    source = DEMO_MEDIA / "colour-bars.mp4"
    if request.param == "upload":
        key = store_object("colour-bars-upload.mp4", source.read_bytes())
        return factories.make_video(corporation, title="Colour bars", file_key=key,
                                    size_bytes=source.stat().st_size)
    name = "colour-bars.mp4" if request.param == "url" else "colour-bars"
    return factories.make_video(corporation, title="Colour bars", source_url=origin.add_file(name, source.read_bytes()))
