"""Video pages (admins only): list and search, add from a URL or by upload, edit, move to the trash."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.decorators import admin_required
from webapp.core.exceptions import DomainError
from webapp.core.pages import current_page, search_term, show_domain_error, with_bdi
from webapp.videos import services
from webapp.videos.manage import bp
from webapp.videos.manage.forms import EditVideoForm, UploadVideoForm, VideoFromUrlForm
from webapp.videos.queries import library_query, scoped_video_or_404


def wants_upload_json() -> bool:
    """upload.js posts with XMLHttpRequest and navigates itself once the upload is stored."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@bp.get("/")
@admin_required
def index():
    q = search_term()
    page = current_page(library_query(current_user.corporation_id, q))
    return render_template("videos/index.html", page=page, q=q, can_restore=current_user.corporation.is_paid())


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def add_url():
    form = VideoFromUrlForm()
    if form.validate_on_submit():
        try:
            video = services.add_video_from_url(current_user, form.title.data, form.source_url.data)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("videos/add_url.html", form=form), error.status
        flash(with_bdi(_("“%(title)s” was added."), title=video.title), "success")
        return redirect(url_for("videos.index"))
    return render_template("videos/add_url.html", form=form), 400 if form.errors else 200


@bp.route("/upload", methods=["GET", "POST"])
@admin_required
def upload():
    form = UploadVideoForm()
    limit_mb = current_app.config["MAX_UPLOAD_MB"]
    if form.validate_on_submit():
        try:
            # The parser has spooled the file to disk (spool.py); the service copies it in chunks.
            video = services.add_video_from_upload(current_user, form.title.data, form.file.data.stream)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("videos/upload.html", form=form, limit_mb=limit_mb), error.status
        flash(with_bdi(_("“%(title)s” was uploaded."), title=video.title), "success")
        if wants_upload_json():
            return {"location": url_for("videos.index")}, 201
        return redirect(url_for("videos.index"))
    status = 400 if form.errors else 200
    return render_template("videos/upload.html", form=form, limit_mb=limit_mb), status


@bp.route("/<int:video_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(video_id):
    video = scoped_video_or_404(current_user, video_id)
    form = EditVideoForm(obj=video)
    if form.validate_on_submit():
        source_url = None if video.is_upload else form.source_url.data
        try:
            services.update_video(current_user, video, title=form.title.data, source_url=source_url)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("videos/edit.html", form=form, video=video), error.status
        flash(with_bdi(_("“%(title)s” was saved."), title=video.title), "success")
        return redirect(url_for("videos.index"))
    return render_template("videos/edit.html", form=form, video=video), 400 if form.errors else 200


@bp.post("/<int:video_id>/delete")
@admin_required
def delete(video_id):
    video = scoped_video_or_404(current_user, video_id)
    services.trash_video(current_user, video)
    # The flash carries an Undo button (base.html): the server allows it for UNDO_DELETE_SECONDS.
    flash({"text": with_bdi(_("“%(title)s” was moved to the trash."), title=video.title),
           "undo": url_for("videos.undo_delete", video_id=video.id), "title": video.title}, "success")
    return redirect(url_for("videos.index"))


@bp.post("/<int:video_id>/undo-delete")
@admin_required
def undo_delete(video_id):
    video = scoped_video_or_404(current_user, video_id, include_trash=True)
    try:
        services.undo_trash(current_user, video, current_app.config["UNDO_DELETE_SECONDS"])
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("videos.index"))
    flash(with_bdi(_("“%(title)s” is back in the library."), title=video.title), "success")
    return redirect(url_for("videos.index"))
