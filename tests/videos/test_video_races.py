"""Two admins acting on the same video at once: the second acts on the video as it is now.

Each test loads the video (as a request does), lets "another admin" change the row in a
transaction of its own, then runs the first admin's use case on the copy it holds.
"""
import pytest
from sqlalchemy import func, select, text

from tests.factories import make_video
from webapp.core.exceptions import NotFound, NotInTrash
from webapp.core.extensions import db
from webapp.models import AuditEvent, Video
from webapp.videos.services import purge_video, restore_video, trash_video, update_video


def meanwhile(sql, video):
    """Another admin's request, committed while ours still holds its copy of the video."""
    with db.engine.begin() as other:
        other.execute(text(sql), {"id": video.id})


def audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("use_case", [
    lambda admin, video: restore_video(admin, video),
    lambda admin, video: purge_video(admin, video),
    lambda admin, video: trash_video(admin, video),
    lambda admin, video: update_video(admin, video, title="Renamed"),
], ids=["restore", "purge", "trash", "edit"])
def test_acting_on_a_video_purged_meanwhile_is_a_404(admin, trashed, use_case):
    meanwhile("DELETE FROM videos WHERE id = :id", trashed)
    with pytest.raises(NotFound):
        use_case(admin, trashed)
    assert audit_count() == 0


def test_restoring_a_video_restored_meanwhile_says_it_is_not_in_the_trash(admin, trashed):
    meanwhile("UPDATE videos SET deleted_at = NULL, deleted_by_id = NULL WHERE id = :id", trashed)
    with pytest.raises(NotInTrash):
        restore_video(admin, trashed)
    assert audit_count() == 0


def test_trashing_a_video_trashed_meanwhile_logs_it_once(admin, corporation):
    video = make_video(corporation, title="Live")
    assert video.deleted_at is None
    with db.engine.begin() as other:
        other.execute(text("UPDATE videos SET deleted_at = now(), deleted_by_id = :admin WHERE id = :id"),
                      {"id": video.id, "admin": admin.id})
    trash_video(admin, video)
    assert audit_count() == 0
    assert db.session.scalar(select(Video.deleted_at).where(Video.id == video.id)) is not None
