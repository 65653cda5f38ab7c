"""Fixtures of the audit log and analytics tests."""
from types import SimpleNamespace

import pytest

from tests import factories
from tests.factories import make_admin, make_corporation, make_user, make_video
from tests.support.media import TINY_MP4
from webapp.core.clock import utcnow
from webapp.media.credit import record_view


@pytest.fixture
def w(app, origin):
    """A paid corporation with an admin, a guest, a video and a video in the trash."""
    corporation = make_corporation(name="Initech", plan="paid")
    admin = make_admin(corporation, email="boss@initech.example.com")
    guest = make_user(corporation, email="guest@initech.example.com")
    trashed = make_video(corporation, title="Old", deleted_at=utcnow(), deleted_by_id=admin.id)
    app.config["VIDEO_SOURCE_ALLOWED_HOSTS"] = [origin.base_url.split("//")[1]]
    return SimpleNamespace(corporation=corporation, admin=admin, guest=guest, trashed=trashed,
                           video=make_video(corporation, title="Intro"), url=origin.add_file("a.mp4", TINY_MP4))


@pytest.fixture
def watched(app, corporation, admin, guest, other_admin):
    """Two viewers in Initech; Umbrella's admin watched Umbrella's own video."""
    popular = factories.make_video(corporation, title="Popular onboarding", duration_seconds=100)
    quiet = factories.make_video(corporation, title="Quiet policy", duration_seconds=600)
    factories.make_video(corporation, title="Nobody watched")
    record_view(guest, popular)
    record_view(admin, popular)
    record_view(guest, quiet)
    factories.make_watch(guest, popular, seconds_watched=100, position_seconds=99, completed=True)
    factories.make_watch(admin, popular, seconds_watched=50, position_seconds=50)
    factories.make_watch(guest, quiet, seconds_watched=150, position_seconds=150)
    record_view(other_admin, factories.make_video(other_admin.corporation, title="Umbrella secret"))
    return popular, quiet
