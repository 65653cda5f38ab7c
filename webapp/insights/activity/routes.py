"""Activity page: who did what in the admin's corporation, filterable and paginated."""
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_login import current_user

from webapp.core.decorators import admin_required
from webapp.core.i18n import company_zone_name
from webapp.core.pages import current_page
from webapp.insights import audit
from webapp.insights.activity import bp
from webapp.insights.activity.forms import ActivityFilterForm


@bp.get("/activity")
@admin_required
def index():
    form = ActivityFilterForm(request.args)
    form.set_members(audit.possible_actors(current_user.corporation_id))
    if request.args and not form.validate():
        return render_template("activity/index.html", form=form, page=None, audit=audit, filters={}), 400
    query = audit.events_query(current_user.corporation_id, actor_id=form.actor_filter(),
                               action=form.action.data or None,
                               date_from=form.date_from.data, date_to=form.date_to.data,
                               zone=ZoneInfo(company_zone_name(current_user.corporation)))
    filters = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template("activity/index.html", form=form, page=current_page(query), audit=audit,
                           filters=filters)
