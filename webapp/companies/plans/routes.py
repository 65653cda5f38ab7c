"""The plan page (admins only): plan and expiry, upgrade, switch to free, rename, plan history."""
from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from webapp.companies import services
from webapp.companies.plans import bp
from webapp.companies.plans.forms import RenameForm, SettingsForm, UpgradeForm
from webapp.companies.queries import plan_history_query
from webapp.core.clock import plan_today
from webapp.core.decorators import admin_required
from webapp.core.exceptions import DomainError
from webapp.core.i18n import format_day
from webapp.core.kept_forms import kept_form_data
from webapp.core.pages import current_page, show_domain_error
from webapp.models import PLAN_FREE, PLAN_PAID


def render_plan_page(upgrade_form=None, rename_form=None, settings_form=None, status=200):
    """The plan page with its forms (any of them may carry errors from the last POST)."""
    corporation = current_user.corporation
    # Each form shows the company's values, or what was typed when the session ended (kept_forms).
    upgrade_form = upgrade_form or UpgradeForm(
        formdata=kept_form_data(url_for("plans.upgrade")),
        data={"plan_expires_at": corporation.plan_expires_at if corporation.is_paid() else None})
    rename_form = rename_form or RenameForm(formdata=kept_form_data(url_for("plans.rename")),
                                            data={"name": corporation.name})
    settings_form = settings_form or SettingsForm(
        formdata=kept_form_data(url_for("plans.settings")),
        data={"locale": corporation.locale, "timezone": corporation.timezone})
    history = current_page(plan_history_query(corporation.id))
    return render_template("plans/index.html", corporation=corporation, upgrade_form=upgrade_form,
                           rename_form=rename_form, settings_form=settings_form, history=history,
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
    flash(_("Your company is on the paid plan until %(date)s.", date=format_day(corporation.plan_expires_at)),
          "success")
    return redirect(url_for("plans.index"))


@bp.post("/free")
@admin_required
def downgrade():
    services.change_plan(current_user, current_user.corporation, PLAN_FREE)
    flash(_("Your company is on the free plan."), "success")
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
    flash(_("Your company is now called %(name)s.", name=corporation.name), "success")
    return redirect(url_for("plans.index"))


@bp.post("/settings")
@admin_required
def settings():
    form = SettingsForm()
    if not form.validate_on_submit():
        return render_plan_page(settings_form=form, status=400)
    try:
        services.change_settings(current_user, current_user.corporation, form.locale.data, form.timezone.data)
    except DomainError as error:
        show_domain_error(form, error)
        return render_plan_page(settings_form=form, status=error.status)
    refresh()  # the confirmation and the next pages use the new zone (and default language)
    flash(_("Language and time zone saved: times are now shown in %(zone)s.", zone=form.timezone.data), "success")
    return redirect(url_for("plans.index"))
