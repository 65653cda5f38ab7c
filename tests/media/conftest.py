"""Fixtures of the media tests: a URL video on the origin, an uploaded file, an internal server."""
import pytest

from tests import factories
from tests.support.media import CLIP_BYTES, UPLOAD_BYTES, store_object
from tests.support.origin import OriginServer
from webapp.core.extensions import db
from webapp.media.streaming import stream_response
from webapp.models import User
from webapp.videos.queries import watchable_video_or_404


@pytest.fixture
def clip(origin, corporation):
    return factories.make_video(corporation, title="Clip", source_url=origin.add_file("clip.mp4", CLIP_BYTES))


@pytest.fixture
def api_stream(app):
    """An /api route that authenticates by itself and calls stream_response, as the JSON API does."""

    def view(user_id, video_id):
        user = db.session.get(User, user_id)
        return stream_response(user, watchable_video_or_404(user, video_id))

    app.add_url_rule("/api/v1/test-users/<int:user_id>/videos/<int:video_id>/stream", view_func=view)
    return lambda user, video: f"/api/v1/test-users/{user.id}/videos/{video.id}/stream"


@pytest.fixture
def upload(app, corporation):
    store_object("stored-clip.mp4", UPLOAD_BYTES)
    return factories.make_video(corporation, title="Uploaded", file_key="stored-clip.mp4",
                                size_bytes=len(UPLOAD_BYTES))


@pytest.fixture
def internal_server(tmp_path):
    """A server on loopback that is NOT allow-listed, standing for an internal service."""
    server = OriginServer(tmp_path / "internal").start()
    server.add_file("admin.mp4", b"INTERNAL-SECRET")
    yield server
    server.stop()
