"""The plan page (admins only): plan and expiry, upgrade, switch to free, rename, plan history."""
from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.companies import services
from webapp.companies.plans import bp
from webapp.companies.plans.forms import RenameForm, UpgradeForm
from webapp.companies.queries import plan_history_query
from webapp.core.clock import plan_today
from webapp.core.decorators import admin_required
from webapp.core.exceptions import DomainError
from webapp.core.pages import current_page, show_domain_error
from webapp.models import PLAN_FREE, PLAN_PAID


def render_plan_page(upgrade_form=None, rename_form=None, status=200):
    """The plan page with its two forms (either may carry errors from the last POST)."""
    corporation = current_user.corporation
    upgrade_form = upgrade_form or UpgradeForm(
        formdata=None, data={"plan_expires_at": corporation.plan_expires_at if corporation.is_paid() else None})
    rename_form = rename_form or RenameForm(formdata=None, data={"name": corporation.name})
    history = current_page(plan_history_query(corporation.id))
    return render_template("plans/index.html", corporation=corporation, upgrade_form=upgrade_form,
                           rename_form=rename_form, history=history,
                           min_date=(plan_today() + timedelta(days=1)).isoformat()), status


@bp.get("/")
@admin_required
def index():
    return render_plan_page()


@bp.post("/upgrade")
@admin_required
def upgrade():
    form = UpgradeForm()
    if not form.validate_on_submit():
        return render_plan_page(upgrade_form=form, status=400)
    try:
        corporation = services.change_plan(current_user, current_user.corporation, PLAN_PAID,
                                           form.plan_expires_at.data)
    except DomainError as error:
        show_domain_error(form, error)
        return render_plan_page(upgrade_form=form, status=error.status)
    flash(f"Your company is on the paid plan until {corporation.plan_expires_at.isoformat()}.", "success")
    return redirect(url_for("plans.index"))


@bp.post("/free")
@admin_required
def downgrade():
    services.change_plan(current_user, current_user.corporation, PLAN_FREE)
    flash("Your company is on the free plan.", "success")
    return redirect(url_for("plans.index"))


@bp.post("/rename")
@admin_required
def rename():
    form = RenameForm()
    if not form.validate_on_submit():
        return render_plan_page(rename_form=form, status=400)
    try:
        corporation = services.rename_corporation(current_user, current_user.corporation, form.name.data)
    except DomainError as error:
        show_domain_error(form, error)
        return render_plan_page(rename_form=form, status=error.status)
    flash(f"Your company is now called {corporation.name}.", "success")
    return redirect(url_for("plans.index"))
