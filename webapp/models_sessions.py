"""Models of sign-in sessions: API refresh tokens (rotated, in families) and ended browser sessions.

Kept beside webapp/models.py (which they build on) so that neither module grows past ~400 lines.
Nothing here commits.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import Timestamp


class RefreshToken(db.Model):
    """An API refresh token: stored hashed, rotated on use, grouped in families for reuse detection."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_user_id_revoked_at", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    family_id: Mapped[str] = mapped_column(
        String(36), nullable=False, index=True, default=lambda: str(uuid.uuid4())
    )
    expires_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("refresh_tokens.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user = relationship("User")


class EndedSession(db.Model):
    """A browser session that was logged out: a copy of its (signed, unstored) cookie is refused.

    Kept in the database, not in Redis, so that the refusal survives a Redis outage; a row is
    useless once the session would have expired anyway and is deleted then.
    """

    __tablename__ = "ended_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, index=True)
