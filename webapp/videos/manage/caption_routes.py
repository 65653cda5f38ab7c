"""The captions page of a video (admins): list, add (WebVTT or SRT), remove."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.decorators import admin_required
from webapp.core.exceptions import DomainError
from webapp.core.pages import show_domain_error
from webapp.videos import caption_services
from webapp.videos.manage import bp
from webapp.videos.manage.caption_forms import CaptionForm
from webapp.videos.queries import scoped_video_or_404


def _page(video, form, status=200):
    return render_template("videos/captions.html", video=video, form=form,
                           captions=caption_services.captions_of(video)), status


@bp.get("/<int:video_id>/captions")
@admin_required
def captions(video_id):
    return _page(scoped_video_or_404(current_user, video_id), CaptionForm(formdata=None))


@bp.post("/<int:video_id>/captions")
@admin_required
def add_caption(video_id):
    video = scoped_video_or_404(current_user, video_id)
    form = CaptionForm()
    if not form.validate_on_submit():
        return _page(video, form, 400)
    try:
        caption = caption_services.add_caption(current_user, video, form.file.data.stream, form.language.data,
                                               form.label.data, form.is_default.data)
    except DomainError as error:
        show_domain_error(form, error)
        return _page(video, form, error.status)
    flash(_("Captions “%(label)s” were added.", label=caption.label), "success")
    return redirect(url_for("videos.captions", video_id=video.id))


@bp.post("/<int:video_id>/captions/<int:caption_id>/delete")
@admin_required
def delete_caption(video_id, caption_id):
    video = scoped_video_or_404(current_user, video_id)
    caption = caption_services.caption_or_404(video, caption_id)
    label = caption.label
    caption_services.delete_caption(current_user, video, caption)
    flash(_("Captions “%(label)s” were removed.", label=label), "success")
    return redirect(url_for("videos.captions", video_id=video.id))
