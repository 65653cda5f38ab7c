"""Watch page, its status endpoint, and the stream route the <video> element loads."""
from flask import jsonify, render_template, request
from flask_login import current_user, login_required

from webapp.accounts import sessions
from webapp.core.extensions import login_manager
from webapp.media.credit import view_status
from webapp.media.posters import poster_response
from webapp.media.streaming import stream_response
from webapp.videos.player import bp
from webapp.videos.queries import scoped_video_or_404, watchable_video_or_404
from webapp.videos.status import describe


@bp.get("/watch/<int:video_id>")
@login_required
def watch(video_id):
    video = scoped_video_or_404(current_user, video_id)
    return render_template("player/watch.html", video=video, status=view_status(current_user, video),
                           describe=describe)


@bp.get("/watch/<int:video_id>/status")
@login_required
def status(video_id):
    """The viewer's points and whether this video's view has been credited (polled by player.js)."""
    video = scoped_video_or_404(current_user, video_id)
    response = jsonify(view_status(current_user, video))
    response.cache_control.no_store = True
    return response


@bp.route("/videos/<int:video_id>/stream", methods=["GET", "HEAD"])
def stream(video_id):
    """Video bytes for the browser session, or for a signed playback URL (?token=...)."""
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

