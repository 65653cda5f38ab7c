"""The library page: the corporation's videos not in the trash, searchable, each linking to its player."""
from flask import render_template
from flask_login import current_user, login_required

from webapp.videos.library import bp
from webapp.core.pages import page_of, search_term
from webapp.videos.services import library_query


@bp.get("/")
@login_required
def index():
    q = search_term()
    page = page_of(library_query(current_user.corporation_id, q))
    return render_template("library/index.html", page=page, q=q)
