"""Watch page."""
from flask import render_template
from flask_login import current_user, login_required

from webapp.player import bp
from webapp.tenancy import scoped_video_or_404


@bp.get("/watch/<int:video_id>")
@login_required
def watch(video_id):
    video = scoped_video_or_404(current_user, video_id)
    return render_template("player/watch.html", video=video)
