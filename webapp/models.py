"""SQLAlchemy models. Invariants live here and in the database; nothing here commits."""
from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.core import limits
from webapp.core.clock import plan_today, utcnow
from webapp.core.extensions import db
from webapp.core.text import email_key, title_key

PLAN_FREE = "free"
PLAN_PAID = "paid"
PLANS = (PLAN_FREE, PLAN_PAID)
PLAN_EXPIRED = "expired"  # a plan_state, not a plan: paid, but past its expiry date
ROLE_ADMIN = "admin"
ROLE_GUEST = "guest"
ROLES = (ROLE_ADMIN, ROLE_GUEST)
# A video's media processing (webapp/videos/processing.py): probed and given a poster by the worker.
STATUS_PROCESSING = "processing"
STATUS_READY = "ready"
STATUS_FAILED = "failed"
VIDEO_STATUSES = (STATUS_PROCESSING, STATUS_READY, STATUS_FAILED)
REASON_CODE_MAX = 40  # a reason is stored as a code and its parameters (webapp/media/reasons.py)
# Where a video's poster came from: made by the probe, a frame an admin picked, an image an admin uploaded.
POSTER_AUTO = "auto"
POSTER_FRAME = "frame"
POSTER_UPLOAD = "upload"
POSTER_KINDS = (POSTER_AUTO, POSTER_FRAME, POSTER_UPLOAD)
# An admin's request for the poster from a frame: being made by the worker, or it could not be.
POSTER_PENDING = "pending"
POSTER_FAILED = "failed"
POSTER_STATES = (POSTER_PENDING, POSTER_FAILED)

# Non-native enums stored as short strings plus a CHECK (see STACK-NOTES on PostgreSQL enums).
def string_enum(values, name, length=8):
    """A VARCHAR column limited to `values` by a named CHECK constraint."""
    return Enum(*values, name=name, native_enum=False, length=length, create_constraint=True)

Timestamp = DateTime(timezone=True)


class TimestampMixin:
    """created_at / updated_at maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        Timestamp, default=utcnow, onupdate=utcnow, nullable=False
    )


class Corporation(TimestampMixin, db.Model):
    """A customer company: the tenant every other row belongs to."""

    __tablename__ = "corporations"
    __table_args__ = (
        CheckConstraint(
            "plan <> 'paid' OR plan_expires_at IS NOT NULL", name="paid_plan_has_expiry"
        ),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("locale IN ('en', 'ko')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.COMPANY_NAME_MAX), nullable=False)
    plan: Mapped[str] = mapped_column(string_enum(PLANS, "plan"), nullable=False, default=PLAN_FREE)
    plan_expires_at: Mapped[date | None] = mapped_column(Date)
    deleted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # The company's default language (members without a saved choice or browser preference) and
    # the IANA time zone its pages show times in (validated in webapp/core/i18n.py).
    locale: Mapped[str] = mapped_column(String(8), nullable=False, default="en", server_default="en")
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC", server_default="UTC")
    # When the first admin confirmed their address; NULL while a sign-up waits for it (its members
    # cannot log in, and the purge job removes it after SIGNUP_CONFIRM_HOURS).
    activated_at: Mapped[datetime | None] = mapped_column(Timestamp)

    members = relationship("User", back_populates="corporation", lazy="dynamic")

    def effective_plan(self, today: date | None = None) -> str:
        """Paid only while plan is paid and today (PLAN_TIMEZONE) is on or before the expiry date."""
        today = today or plan_today()
        if self.plan == PLAN_PAID and self.plan_expires_at and today <= self.plan_expires_at:
            return PLAN_PAID
        return PLAN_FREE

    def is_paid(self, today: date | None = None) -> bool:
        """True while the effective plan is paid; every paid-only rule asks this."""
        return self.effective_plan(today) == PLAN_PAID

    @property
    def plan_state(self) -> str:
        """What people are told about the plan: "paid" (until plan_expires_at), "expired" (on that
        date, not yet downgraded by the expiry job) or "free"."""
        if self.is_paid():
            return PLAN_PAID
        if self.plan == PLAN_PAID and self.plan_expires_at:
            return PLAN_EXPIRED
        return PLAN_FREE

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None and self.activated_at is not None

    def __repr__(self):
        return f"<Corporation {self.id} {self.name!r}>"


def hash_password(password: str) -> str:
    """The stored form of a password (a member's, or one an admin chose for a pending member)."""
    return generate_password_hash(password)


class User(UserMixin, TimestampMixin, db.Model):
    """A member of a corporation: an admin or a guest. The email is the login."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("points >= 0", name="points_not_negative"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        Index("ix_users_corporation_id_email", "corporation_id", "email"),
        CheckConstraint("locale IS NULL OR locale IN ('en', 'ko')", name="locale_known"),
        # One active user per email; a removed member's address may be used again, while their
        # row (and the views and audit events pointing at it) stays.
        Index("uq_users_email_active", "email", unique=True,
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), nullable=False
    )
    email: Mapped[str] = mapped_column(String(limits.EMAIL_MAX), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    role: Mapped[str] = mapped_column(string_enum(ROLES, "role"), nullable=False, default=ROLE_GUEST)
    points: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # Bumped to end every browser session of the user ("log out other sessions", password change).
    session_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default="1"
    )
    deleted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # The member's saved language; None follows the browser, then the company default.
    locale: Mapped[str | None] = mapped_column(String(8))

    corporation = relationship("Corporation", back_populates="members")

    @validates("email")
    def normalise_email(self, key, value):
        return normalise_email(value)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def is_active(self) -> bool:
        """Flask-Login asks this: deleted users and members of deleted or unconfirmed corporations are out."""
        return self.deleted_at is None and self.corporation.is_active

    def get_id(self) -> str:
        """Session identity: id plus session version, so bumping the version ends sessions."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


# Company names are unique whatever their letter case.
Index("uq_corporations_lower_name", func.lower(Corporation.name), unique=True)


def normalise_email(value: str | None) -> str | None:
    """Emails are compared case-insensitively and whatever their Unicode form: stored trimmed, NFKC,
    lower-case."""
    return email_key(value)


class Video(TimestampMixin, db.Model):
    """A video of a corporation: either a URL on an origin server or an uploaded file."""

    __tablename__ = "videos"
    __table_args__ = (
        CheckConstraint(
            "(source_url IS NULL) <> (file_key IS NULL)", name="exactly_one_source"
        ),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint("size_bytes IS NULL OR size_bytes >= 0", name="size_not_negative"),
        # The stream route sends this type, never an origin's: only types a browser will not render.
        CheckConstraint(
            "content_type IN ('video/mp4', 'video/webm', 'application/octet-stream')", name="content_type_known"
        ),
        CheckConstraint(
            "(deleted_at IS NULL) OR (deleted_by_id IS NOT NULL)", name="deleted_has_actor"
        ),
        CheckConstraint("status <> 'failed' OR status_reason IS NOT NULL", name="failed_has_reason"),
        CheckConstraint("poster_state IS NULL OR poster_request_at IS NOT NULL", name="poster_request_has_time"),
        CheckConstraint("poster_state IS NULL OR poster_state <> 'failed' OR poster_reason IS NOT NULL",
                        name="poster_failure_has_reason"),
        CheckConstraint("source_version >= 1", name="source_version_positive"),
        Index("ix_videos_status_processed_at", "status", "processed_at"),
        Index("uq_videos_file_key", "file_key", unique=True),  # one stored file, one video
        Index("ix_videos_corporation_id_deleted_at_created_at",
              "corporation_id", "deleted_at", "created_at"),
        # Substring search on the normalised title: a trigram index on PostgreSQL (pg_trgm), so
        # LIKE '%…%' does not read the whole table; a plain index elsewhere.
        Index("ix_videos_title_key_trgm", "title_key", postgresql_using="gin",
              postgresql_ops={"title_key": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(limits.TITLE_MAX), nullable=False)
    # The title as search compares it (webapp/core/text.py), kept in step by the validator below.
    title_key: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source_url: Mapped[str | None] = mapped_column(String(limits.SOURCE_URL_MAX))
    file_key: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100), nullable=False, default="video/mp4")
    size_bytes: Mapped[int | None] = mapped_column(db.BigInteger)
    deleted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Media facts written by the probe job (all NULL until it has run). source_version is bumped on
    # every change of the source: a job's result is written only for the version it was queued for.
    status: Mapped[str] = mapped_column(string_enum(VIDEO_STATUSES, "video_status", length=10), nullable=False,
                                        default=STATUS_PROCESSING, server_default=STATUS_PROCESSING)
    # Why it failed, or a ready video's caveat: a code and its parameters, put into words when shown.
    status_reason: Mapped[str | None] = mapped_column(String(REASON_CODE_MAX))
    status_params: Mapped[dict | None] = mapped_column(JSON)
    source_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    container: Mapped[str | None] = mapped_column(String(16))
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    video_codec: Mapped[str | None] = mapped_column(String(32))
    audio_codec: Mapped[str | None] = mapped_column(String(32))
    bitrate: Mapped[int | None] = mapped_column(db.BigInteger)
    supports_range: Mapped[bool | None] = mapped_column(Boolean)
    faststart: Mapped[bool | None] = mapped_column(Boolean)
    poster_key: Mapped[str | None] = mapped_column(String(80))
    # The poster's origin (kept by a new probe of the same source when an admin picked it) and, for a
    # frame, its time; an admin's pending or failed request for a frame, numbered so that only the
    # newest request's job writes (webapp/videos/poster_services.py).
    poster_kind: Mapped[str | None] = mapped_column(string_enum(POSTER_KINDS, "poster_kind", length=8))
    poster_at_seconds: Mapped[float | None] = mapped_column(Float)
    poster_state: Mapped[str | None] = mapped_column(string_enum(POSTER_STATES, "poster_state", length=8))
    poster_request_at: Mapped[float | None] = mapped_column(Float)
    poster_reason: Mapped[str | None] = mapped_column(String(REASON_CODE_MAX))
    poster_params: Mapped[dict | None] = mapped_column(JSON)
    poster_request: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    queued_at: Mapped[datetime | None] = mapped_column(Timestamp)
    processed_at: Mapped[datetime | None] = mapped_column(Timestamp)

    corporation = relationship("Corporation")
    deleted_by = relationship("User", foreign_keys=[deleted_by_id])

    @validates("title")
    def _keep_title_key(self, _key, value):
        self.title_key = title_key(value)
        return value

    @property
    def is_upload(self) -> bool:
        return self.file_key is not None

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_ready(self) -> bool:
        return self.status == STATUS_READY

    @property
    def is_failed(self) -> bool:
        return self.status == STATUS_FAILED

    @property
    def is_processing(self) -> bool:
        return self.status == STATUS_PROCESSING

    def __repr__(self):
        return f"<Video {self.id} {self.title!r}>"


class VideoView(db.Model):
    """The view log: one row per user and video, written with the points it earned."""

    __tablename__ = "video_views"
    __table_args__ = (
        UniqueConstraint("user_id", "video_id"),
        CheckConstraint("points_awarded >= 0", name="points_awarded_not_negative"),
        Index("ix_video_views_video_id_created_at", "video_id", "created_at"),
        Index("ix_video_views_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    video_id: Mapped[int] = mapped_column(
        ForeignKey("videos.id", ondelete="CASCADE"), nullable=False
    )
    points_awarded: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)

    user = relationship("User")
    video = relationship("Video")


class PlanChange(db.Model):
    """Plan history: one row per change, by a user or by the expiry job (changed_by_id NULL)."""

    __tablename__ = "plan_changes"
    __table_args__ = (
        Index("ix_plan_changes_corporation_id_created_at", "corporation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), nullable=False
    )
    from_plan: Mapped[str] = mapped_column(string_enum(PLANS, "from_plan"), nullable=False)
    to_plan: Mapped[str] = mapped_column(string_enum(PLANS, "to_plan"), nullable=False)
    from_expires_at: Mapped[date | None] = mapped_column(Date)
    to_expires_at: Mapped[date | None] = mapped_column(Date)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)

    changed_by = relationship("User")


class AuditEvent(db.Model):
    """Who did what in a corporation; written in the same transaction as the action."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_corporation_id_created_at", "corporation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), nullable=False
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    target_type: Mapped[str | None] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)

    actor = relationship("User")

