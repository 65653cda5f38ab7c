"""The library page: the corporation's videos not in the trash, searchable, each linking to its player,
with the viewer's progress on each card and the videos they are part-way through first."""
from flask import render_template
from flask_login import current_user, login_required

from webapp.core.extensions import db
from webapp.core.pages import current_page, search_term
from webapp.videos import watching
from webapp.videos.library import bp
from webapp.videos.queries import continue_watching_query, library_query

CONTINUE_WATCHING = 4


@bp.get("/")
@login_required
def index():
    q = search_term()
    query, params = library_query(current_user.corporation_id, q, include_failed=current_user.is_admin)
    page = current_page(query, params=params)
    started = []
    if not q and page.page == 1:
        query, params = continue_watching_query(current_user, watching.COMPLETE_AT, watching.RESUME_MIN_SECONDS)
        started = db.session.execute(query.limit(CONTINUE_WATCHING), params).all()
    saved = watching.positions_by_video(current_user, (video.id for video in page.items))
    return render_template("library/index.html", page=page, q=q, started=started, saved=saved,
                           percent_watched=watching.percent_watched)
