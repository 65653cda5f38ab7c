"""Fixtures of the video tests."""
import pytest

from tests.factories import days_from_today, make_video
from webapp.core.clock import utcnow


@pytest.fixture
def trashed(corporation, admin):
    corporation.plan, corporation.plan_expires_at = "paid", days_from_today(30)
    video = make_video(corporation, title="Old onboarding", deleted_at=utcnow(), deleted_by_id=admin.id)
    assert video.title == "Old onboarding"  # loaded, as the page's request has it
    return video
