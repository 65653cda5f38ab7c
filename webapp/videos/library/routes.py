"""The library page: the corporation's videos not in the trash, searchable, each linking to its player."""
from flask import render_template
from flask_login import current_user, login_required

from webapp.core.pages import current_page, search_term
from webapp.videos.library import bp
from webapp.videos.queries import library_query


@bp.get("/")
@login_required
def index():
    q = search_term()
    page = current_page(library_query(current_user.corporation_id, q, include_failed=current_user.is_admin))
    return render_template("library/index.html", page=page, q=q)
