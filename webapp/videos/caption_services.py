"""Caption use cases: list a video's captions, add one (WebVTT or SRT), remove one (admins)."""
from flask_babel import gettext as _
from sqlalchemy import select, update

from webapp.core.exceptions import NotFound, ValidationFailed
from webapp.core.extensions import db
from webapp.core.transactions import lock, unit_of_work
from webapp.insights import audit
from webapp.media import captions
from webapp.models import User, Video
from webapp.models_watching import CAPTION_LABEL_MAX, Caption


def captions_of(video: Video) -> list[Caption]:
    """The video's captions: the default first, then by label."""
    return list(db.session.scalars(select(Caption).where(Caption.video_id == video.id)
                                   .order_by(Caption.is_default.desc(), Caption.label, Caption.id)))


def caption_or_404(video: Video, caption_id: int) -> Caption:
    """A caption of this video (already loaded through the tenancy check), else NotFound."""
    caption = db.session.scalar(select(Caption).where(Caption.id == caption_id, Caption.video_id == video.id))
    if caption is None:
        raise NotFound()
    return caption


def checked_label(label: str | None) -> str:
    """The label people choose the captions by: 1 to CAPTION_LABEL_MAX characters."""
    label = (label or "").strip()
    if not label or len(label) > CAPTION_LABEL_MAX or "\x00" in label:
        message = _("Enter a label of 1 to %(max)s characters, such as “English” or “한국어”.",
                    max=CAPTION_LABEL_MAX)
        raise ValidationFailed(message, fields={"label": [message]})
    return label


def add_caption(actor: User, video: Video, stream, language: str, label: str, is_default: bool) -> Caption:
    """Check and store a caption file as WebVTT and list it under the video (the new default if asked)."""
    language = captions.checked_language(language)
    label = checked_label(label)
    key, size = captions.store(captions.to_webvtt(captions.read_limited(stream)))
    try:
        with unit_of_work():
            lock(video)
            if is_default:
                db.session.execute(update(Caption).where(Caption.video_id == video.id, Caption.is_default)
                                   .values(is_default=False).execution_options(synchronize_session=False))
            caption = Caption(video_id=video.id, language=language, label=label, is_default=bool(is_default),
                              file_key=key, size_bytes=size)
            db.session.add(caption)
            db.session.flush()
            audit.record(video.corporation_id, actor, "video.captions_added", video, title=video.title,
                         language=language, label=label)
    except BaseException:
        captions.remove(key)
        raise
    return caption


def delete_caption(actor: User, video: Video, caption: Caption) -> None:
    """Remove a caption from the video, then its file."""
    key = caption.file_key
    with unit_of_work():
        lock(video)
        db.session.delete(caption)
        audit.record(video.corporation_id, actor, "video.captions_removed", video, title=video.title,
                     language=caption.language, label=caption.label)
    captions.remove(key)
