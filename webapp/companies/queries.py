"""Reading companies: the caller's own company (any other id is a 404), name checks and the plan history."""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from webapp.core.exceptions import NotFound
from webapp.core.extensions import db
from webapp.models import Corporation, PlanChange, User


def own_corporation_or_404(user: User, corporation_id: int) -> Corporation:
    """The user's company, when that is the id asked for; any other id is a NotFound."""
    if corporation_id != user.corporation_id:
        raise NotFound(_("There is no such company."))
    return user.corporation


def name_taken(name: str, exclude_id: int | None = None) -> bool:
    """Is a corporation name in use (any letter case)?"""
    query = select(Corporation.id).where(func.lower(Corporation.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(Corporation.id != exclude_id)
    return db.session.scalar(query) is not None


def plan_history_query(corporation_id: int):
    """A corporation's plan changes, newest first."""
    return (
        select(PlanChange)
        .where(PlanChange.corporation_id == corporation_id)
        .options(joinedload(PlanChange.changed_by))
        .order_by(PlanChange.created_at.desc(), PlanChange.id.desc())
    )
