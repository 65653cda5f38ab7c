"""Watch page, its status and position endpoints, the caption files, and the stream route the <video> loads."""
from flask import jsonify, render_template, request
from flask_login import current_user, login_required

from webapp.accounts import sessions
from webapp.core.database import reads_first
from webapp.core.extensions import login_manager
from webapp.media.captions import caption_response
from webapp.media.credit import view_status
from webapp.media.gate import gated_start
from webapp.media.posters import poster_response
from webapp.media.streaming import stream_response
from webapp.videos import watching
from webapp.videos.caption_services import caption_or_404, captions_of
from webapp.videos.player import bp
from webapp.videos.queries import next_in_library, scoped_video_or_404, watchable_video_or_404
from webapp.videos.status import describe


@bp.get("/watch/<int:video_id>")
@login_required
def watch(video_id):
    video = scoped_video_or_404(current_user, video_id)
    saved = watching.position_of(current_user, video)
    return render_template("player/watch.html", video=video, status=view_status(current_user, video),
                           describe=describe, resume_at=watching.resume_at(saved, video.duration_seconds),
                           next_video=next_in_library(current_user, video), captions=captions_of(video))


@bp.get("/watch/<int:video_id>/status")
@login_required
def status(video_id):
    """The viewer's points and whether this video's view has been credited (polled by player.js)."""
    video = scoped_video_or_404(current_user, video_id)
    response = jsonify(view_status(current_user, video))
    response.cache_control.no_store = True
    return response


@bp.put("/watch/<int:video_id>/position")
@login_required
def save_position(video_id):
    """The player's save of where the viewer is: JSON {"position_seconds": n}, CSRF token in X-CSRFToken.

    Sent with fetch(..., {keepalive: true}) so that the save on leaving the page still arrives; the
    CSRF header is why sendBeacon (which cannot send headers) is not used.
    """
    video = watchable_video_or_404(current_user, video_id)
    body = request.get_json(silent=True)
    watching.save_position(current_user, video, body.get("position_seconds") if isinstance(body, dict) else None)
    return "", 204


@bp.get("/videos/<int:video_id>/captions/<int:caption_id>.vtt")
@login_required
def caption(video_id, caption_id):
    """A caption file of a video the viewer may watch, as text/vtt."""
    video = watchable_video_or_404(current_user, video_id)
    return caption_response(caption_or_404(video, caption_id))


@bp.route("/videos/<int:video_id>/stream", methods=["GET", "HEAD"])
@gated_start
@reads_first
def stream(video_id):
    """Video bytes for the browser session, or for a signed playback URL (?token=...).

    A viewer's start waits for its turn (media/gate.py), reads (session, user, video) without a
    transaction, and the stream engine gives the database connection back before it opens the
    origin (core/database.py reads_first).
    """
    token = request.args.get("token")
    if token:
        viewer = sessions.user_from_playback_token(token, video_id)
    elif current_user.is_authenticated:
        viewer = current_user._get_current_object()
    else:
        return login_manager.unauthorized()
    return stream_response(viewer, watchable_video_or_404(viewer, video_id))


@bp.get("/videos/<int:video_id>/poster.jpg")
@login_required
def poster(video_id):
    """The video's poster (JPEG); its URL carries the poster's key, so it may be cached."""
    return poster_response(scoped_video_or_404(current_user, video_id))
