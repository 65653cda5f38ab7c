"""Models of the e-mail flows: invitations, single-use account links, plan reminders sent.

Kept beside webapp/models.py (which they build on) so that neither module grows past ~400 lines.
Nothing here commits.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.core import limits
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import ROLES, Timestamp, normalise_email, string_enum

INVITATION_ROLES = ROLES
TOKEN_RESET = "reset"
TOKEN_CONFIRM = "confirm"
TOKEN_PURPOSES = (TOKEN_RESET, TOKEN_CONFIRM)
REMINDER_7_DAYS = "7d"
REMINDER_1_DAY = "1d"
REMINDER_LAPSED = "lapsed"
REMINDER_KINDS = (REMINDER_7_DAYS, REMINDER_1_DAY, REMINDER_LAPSED)


class Invitation(db.Model):
    """An admin's invitation of an address to the company, with a role; accepted once, by link.

    The link carries a signed id and a random nonce; only the nonce's SHA-256 is stored, and
    re-sending replaces it (the older link stops working). One pending invitation per address and
    company.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        Index("uq_invitations_pending", "corporation_id", "email", unique=True,
              postgresql_where=text("accepted_at IS NULL AND revoked_at IS NULL"),
              sqlite_where=text("accepted_at IS NULL AND revoked_at IS NULL")),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), nullable=False
    )
    email: Mapped[str] = mapped_column(String(limits.EMAIL_MAX), nullable=False)
    role: Mapped[str] = mapped_column(string_enum(INVITATION_ROLES, "role"), nullable=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    nonce_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False)
    sent_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Set when an admin added the member with a password (the integration path): the member exists
    # once the address's owner confirms it by link, and logs in with that password.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)

    corporation = relationship("Corporation")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @validates("email")
    def normalise_email(self, key, value):
        return normalise_email(value)

    @property
    def password_preset(self) -> bool:
        """Was the member added with a password by an admin (confirm only), rather than invited?"""
        return self.password_hash is not None


class AccountToken(db.Model):
    """A single-use link of a user: a password reset or a sign-up confirmation.

    The link carries a signed id and a random nonce; only the nonce's SHA-256 is stored. Using it
    sets used_at with a conditional UPDATE, so a second use (or a concurrent one) finds nothing.
    """

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_user_id_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    purpose: Mapped[str] = mapped_column(string_enum(TOKEN_PURPOSES, "purpose"), nullable=False)
    nonce_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    expires_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)

    user = relationship("User")


class PlanReminder(db.Model):
    """A plan reminder sent to a company's admins: at most one of each kind per plan period.

    The period is the paid plan's expiry date; the unique constraint is what makes reruns and two
    schedulers send nothing twice (the row is inserted with ON CONFLICT DO NOTHING before sending).
    """

    __tablename__ = "plan_reminders"
    __table_args__ = (UniqueConstraint("corporation_id", "kind", "plan_expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(string_enum(REMINDER_KINDS, "kind"), nullable=False)
    plan_expires_at: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)
