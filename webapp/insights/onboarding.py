"""The first-run checklist of a new company: has it added a video, invited (or added) a member, watched a video?"""
from sqlalchemy import select

from webapp.core.extensions import db
from webapp.models import User, Video, VideoView
from webapp.models_email import Invitation


def first_run_progress(corporation_id: int, admin_id: int) -> dict[str, bool]:
    """Which first steps a company has taken (one query each, all cheap `EXISTS`)."""
    has_video = select(Video.id).where(Video.corporation_id == corporation_id).exists()
    has_member = select(User.id).where(User.corporation_id == corporation_id, User.id != admin_id).exists()
    has_invited = select(Invitation.id).where(Invitation.corporation_id == corporation_id).exists()
    has_view = (select(VideoView.id).join(Video, VideoView.video_id == Video.id)
                .where(Video.corporation_id == corporation_id).exists())
    row = db.session.execute(select(has_video, has_member, has_invited, has_view)).one()
    return {"video": bool(row[0]), "member": bool(row[1] or row[2]), "watched": bool(row[3])}
