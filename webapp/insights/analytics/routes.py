"""Analytics pages: viewing figures per video and per member, for admins of the corporation."""
from flask import current_app, render_template
from flask_login import current_user

from webapp.insights import stats as services
from webapp.insights.analytics import bp
from webapp.insights.analytics.charts import bar_chart
from webapp.core.decorators import admin_required
from webapp.core.pages import page_number


@bp.get("/")
@admin_required
def index():
    corporation_id = current_user.corporation_id
    videos = services.video_stats_query(corporation_id)
    members = services.member_stats_query(corporation_id)
    most_watched = bar_chart("Most-watched videos (unique viewers)",
                             ((video.title, views) for video, views, _ in services.top(videos)))
    top_members = bar_chart("Members with the most videos watched",
                            ((user.email, watched) for user, watched, _ in services.top(members)))
    page = services.paginate_rows(videos, page_number(), current_app.config["PER_PAGE"])
    return render_template("analytics/index.html", totals=services.totals(corporation_id),
                           most_watched=most_watched, top_members=top_members, page=page)


@bp.get("/members")
@admin_required
def members():
    page = services.paginate_rows(services.member_stats_query(current_user.corporation_id),
                                  page_number(), current_app.config["PER_PAGE"])
    return render_template("analytics/members.html", page=page)
