"""Analytics pages: viewing figures per video and per member, for admins of the corporation."""
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.decorators import admin_required
from webapp.core.pages import current_page
from webapp.core.pagination import ROWS
from webapp.insights import stats
from webapp.insights.analytics import bp
from webapp.insights.analytics.charts import bar_chart


@bp.get("/")
@admin_required
def index():
    corporation_id = current_user.corporation_id
    videos = stats.video_stats_query(corporation_id)
    members = stats.member_stats_query(corporation_id)
    most_watched = bar_chart(_("Most-watched videos (unique viewers)"),
                             ((row[0].title, row[1]) for row in stats.top(videos)))
    top_members = bar_chart(_("Members with the most videos watched"),
                            ((row[0].email, row[1]) for row in stats.top(members)))
    watch_time = bar_chart(_("Most watch time (minutes)"),
                           ((title, round(seconds / 60)) for title, seconds in stats.top_watch_time(corporation_id)))
    return render_template("analytics/index.html", totals=stats.totals(corporation_id),
                           most_watched=most_watched, top_members=top_members, watch_time=watch_time,
                           page=current_page(videos, items=ROWS))


@bp.get("/members")
@admin_required
def members():
    page = current_page(stats.member_stats_query(current_user.corporation_id), items=ROWS)
    return render_template("analytics/members.html", page=page)
