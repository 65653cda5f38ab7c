"""Video pages (admins only): list and search, add from a URL or by upload, edit, move to the trash."""
from flask import current_app, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from webapp.core.decorators import admin_required
from webapp.core.exceptions import DomainError, ValidationFailed
from webapp.core.pages import current_page, search_term, show_domain_error, with_bdi
from webapp.core.security import allow_connections_to
from webapp.media import direct_upload
from webapp.videos import poster_services, services
from webapp.videos.manage import bp
from webapp.videos.manage.forms import (
    DirectUploadForm,
    EditVideoForm,
    PosterFrameForm,
    PosterImageForm,
    TitledUploadForm,
    UploadVideoForm,
    VideoFromUrlForm,
)
from webapp.videos.queries import library_query, scoped_video_or_404, videos_by_ids
from webapp.videos.status import describe

MAX_STATUS_IDS = 100


def wants_upload_json() -> bool:
    """upload.js posts with XMLHttpRequest and navigates itself once the upload is stored."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@bp.get("/")
@admin_required
def index():
    q = search_term()
    query, params = library_query(current_user.corporation_id, q)
    page = current_page(query, params=params)
    return render_template("videos/index.html", page=page, q=q, describe=describe,
                           can_restore=current_user.corporation.is_paid())


@bp.get("/status")
@admin_required
def statuses():
    """Processing status of the listed videos (`?ids=1,2,3`), polled by video-status.js."""
    ids = [int(part) for part in request.args.get("ids", "").split(",")[:MAX_STATUS_IDS] if part.isdigit()]
    videos = videos_by_ids(current_user, ids)
    response = jsonify({"videos": [describe(video) for video in videos]})
    response.cache_control.no_store = True
    return response


@bp.get("/<int:video_id>/poster")
@admin_required
def poster(video_id):
    video = scoped_video_or_404(current_user, video_id)
    return render_template("videos/poster.html", video=video, frame_form=PosterFrameForm(),
                           image_form=PosterImageForm(), describe=describe)


@bp.post("/<int:video_id>/poster/frame")
@admin_required
def poster_frame(video_id):
    """Ask the worker for the poster from a frame (queued once committed); back to the Poster page."""
    video = scoped_video_or_404(current_user, video_id)
    frame_form = PosterFrameForm()
    if frame_form.validate_on_submit():
        try:
            poster_services.request_frame(current_user, video, frame_form.at_seconds.data)
        except DomainError as error:
            show_domain_error(frame_form, error)
            return _poster_page(video, frame_form, PosterImageForm(), error.status)
        # The page shows "Making the poster from m:ss…" until the worker has made it.
        return redirect(url_for("videos.poster", video_id=video.id))
    return _poster_page(video, frame_form, PosterImageForm(), 400)


@bp.post("/<int:video_id>/poster/image")
@admin_required
def poster_image(video_id):
    video = scoped_video_or_404(current_user, video_id)
    image_form = PosterImageForm()
    if image_form.validate_on_submit():
        try:
            poster_services.poster_from_image(current_user, video, image_form.file.data.stream)
        except DomainError as error:
            show_domain_error(image_form, error)
            return _poster_page(video, PosterFrameForm(formdata=None), image_form, error.status)
        flash(with_bdi(_("The poster of “%(title)s” was changed."), title=video.title), "success")
        return redirect(url_for("videos.poster", video_id=video.id))
    return _poster_page(video, PosterFrameForm(formdata=None), image_form, 400)


def _poster_page(video, frame_form, image_form, status):
    return render_template("videos/poster.html", video=video, frame_form=frame_form, image_form=image_form,
                           describe=describe), status


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
    if form.validate_on_submit():
        try:
            # The parser has spooled the file to disk (spool.py); the service copies it in chunks.
            video = services.add_video_from_upload(current_user, form.title.data, form.file.data.stream)
        except DomainError as error:
            show_domain_error(form, error)
            return _upload_page(form, error.status)
        flash(with_bdi(_("“%(title)s” was uploaded."), title=video.title), "success")
        if wants_upload_json():
            return {"location": url_for("videos.index")}, 201
        return redirect(url_for("videos.index"))
    return _upload_page(form, 400 if form.errors else 200)


def _upload_page(form, status):
    """The upload page; with direct uploads on, its scripts may also send parts to the bucket."""
    direct = direct_upload.enabled()
    response = make_response(render_template(
        "videos/upload.html", form=form, limit_mb=current_app.config["MAX_UPLOAD_MB"], direct=direct,
        direct_min_bytes=direct_upload.threshold_bytes()), status)
    if direct:
        allow_connections_to(response, direct_upload.browser_origin())
    return response


# Direct uploads (upload.js, files of DIRECT_UPLOAD_MIN_MB and more, object storage only): begin,
# presigned part URLs (and which parts the bucket has, to resume), finish. The first two speak JSON;
# finishing posts the upload form itself, answered like the upload above.
def _json_object() -> dict:
    """The request's JSON object; anything else (no body, a list, bad JSON) counts as an empty one."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.post("/upload/direct")
@admin_required
def direct_upload_start():
    body = _json_object()
    form = TitledUploadForm(formdata=MultiDict({"title": body.get("title") or ""}), meta={"csrf": False})
    if not form.validate():  # checked before the file is sent, not after
        raise ValidationFailed(form.title.errors[0], fields={"title": form.title.errors})
    ticket, token = direct_upload.start(current_user, body.get("size"), body.get("type"))
    return {"token": token, "part_size": ticket.part_size, "parts": ticket.parts}, 201


@bp.post("/upload/direct/parts")
@admin_required
def direct_upload_parts():
    body = _json_object()
    ticket = direct_upload.read_ticket(body.get("token"), current_user)
    numbers = body.get("numbers") if isinstance(body.get("numbers"), list) else []
    response = jsonify({"urls": {str(n): url for n, url in direct_upload.part_urls(ticket, numbers).items()},
                        "uploaded": direct_upload.uploaded_parts(ticket) if body.get("uploaded") else []})
    response.cache_control.no_store = True
    return response


@bp.post("/upload/direct/finish")
@admin_required
def direct_upload_finish():
    form = DirectUploadForm()
    page_form = UploadVideoForm(formdata=None, title=form.title.data)
    if form.validate_on_submit():
        try:
            ticket = direct_upload.read_ticket(form.token.data, current_user)
            video = services.add_video_from_direct_upload(current_user, form.title.data, ticket)
        except DomainError as error:
            show_domain_error(page_form, error)
            return _upload_page(page_form, error.status)
        flash(with_bdi(_("“%(title)s” was uploaded."), title=video.title), "success")
        return {"location": url_for("videos.index")}, 201
    page_form.title.errors = list(form.title.errors)
    if form.token.errors:
        flash(_("This upload does not exist."), "error")
    return _upload_page(page_form, 400)


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
