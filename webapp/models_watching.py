"""Models of watching: each viewer's place in a video (resume, watch time) and a video's captions.

Kept beside webapp/models.py (which they build on) so that neither module grows past ~400 lines.
Nothing here commits.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import Timestamp

CAPTION_LANGUAGE_MAX = 35  # RFC 5646 advises supporting tags of at least 35 characters
CAPTION_LABEL_MAX = 80


class WatchPosition(db.Model):
    """Where a member is in a video, whether they ever reached its end, and how long they watched it.

    One row per (user, video), written by an upsert (webapp/videos/watching.py); `seconds_watched`
    only grows by plausible forward progress between two saves.
    """

    __tablename__ = "watch_positions"
    __table_args__ = (
        UniqueConstraint("user_id", "video_id"),
        CheckConstraint("position_seconds >= 0", name="position_not_negative"),
        CheckConstraint("seconds_watched >= 0", name="seconds_watched_not_negative"),
        Index("ix_watch_positions_video_id", "video_id"),
        Index("ix_watch_positions_user_id_updated_at", "user_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), nullable=False)
    position_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0, server_default="0")
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))
    seconds_watched: Mapped[float] = mapped_column(Float, nullable=False, default=0.0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)


class Caption(db.Model):
    """A caption file of a video (WebVTT, stored under MEDIA_ROOT), in one language; at most one default."""

    __tablename__ = "captions"
    __table_args__ = (
        CheckConstraint("length(trim(label)) > 0", name="label_not_blank"),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
        Index("ix_captions_video_id", "video_id"),
        Index("uq_captions_default", "video_id", unique=True,
              postgresql_where=text("is_default"), sqlite_where=text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), nullable=False)
    language: Mapped[str] = mapped_column(String(CAPTION_LANGUAGE_MAX), nullable=False)
    label: Mapped[str] = mapped_column(String(CAPTION_LABEL_MAX), nullable=False)
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))
    file_key: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)
