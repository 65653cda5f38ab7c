"""Trash pages (admins only): list, restore (paid plans only, enforced by the service), purge."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.decorators import admin_required
from webapp.core.pages import confirm_page, confirmed, current_page, with_bdi
from webapp.videos import services
from webapp.videos.queries import scoped_trashed_video_or_404, trash_query
from webapp.videos.trash import bp


@bp.get("/")
@admin_required
def index():
    page = current_page(trash_query(current_user.corporation_id))
    return render_template("trash/index.html", page=page, can_restore=current_user.corporation.is_paid())


@bp.post("/<int:video_id>/restore")
@admin_required
def restore(video_id):
    video = scoped_trashed_video_or_404(current_user, video_id)
    services.restore_video(current_user, video)  # PlanRequired -> the 403 page, nothing changed
    flash(with_bdi(_("“%(title)s” was restored to the library."), title=video.title), "success")
    return redirect(url_for("trash.index"))


@bp.post("/<int:video_id>/purge")
@admin_required
def purge(video_id):
    video = scoped_trashed_video_or_404(current_user, video_id)
    title = video.title
    if not confirmed():
        return confirm_page(with_bdi(_("Delete “%(title)s” forever? This cannot be undone."), title=title),
                            _("Delete forever"), url_for("trash.index"))
    services.purge_video(current_user, video)
    flash(with_bdi(_("“%(title)s” was deleted forever."), title=title), "success")
    return redirect(url_for("trash.index"))
