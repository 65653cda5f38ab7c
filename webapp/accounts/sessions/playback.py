"""Signed playback URLs: a stream link bound to one user, one video and an expiry time."""
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from webapp.accounts.sessions.tokens import session_is_live
from webapp.core.exceptions import PlaybackUrlExpired, PlaybackUrlInvalid, PlaybackUrlRevoked
from webapp.core.extensions import db
from webapp.models import User, Video

SALT = "reelhouse.playback-url"


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_playback_url(user: User, video: Video, family_id: str) -> tuple[str, datetime]:
    """An absolute stream URL for this user and video, valid PLAYBACK_URL_TTL seconds and only as
    long as the API session (refresh-token family) it was issued in."""
    expires_at = datetime.now(UTC).replace(microsecond=0) + timedelta(
        seconds=current_app.config["PLAYBACK_URL_TTL"]
    )
    token = _serializer().dumps(
        {"u": user.id, "v": video.id, "s": user.session_version, "f": family_id,
         "e": int(expires_at.timestamp())}
    )
    return url_for("player.stream", video_id=video.id, token=token, _external=True), expires_at


def user_from_playback_token(token: str, video_id: int) -> User:
    """The user a valid token was issued to; 403 when tampered or expired, 401 when revoked."""
    try:
        claims = _serializer().loads(token)
        user_id, token_video_id, version, family_id, expires = (
            claims["u"], claims["v"], claims["s"], claims["f"], claims["e"])
    except (BadSignature, KeyError, TypeError):
        raise PlaybackUrlInvalid(_("This playback link is not valid.")) from None
    if token_video_id != video_id:
        raise PlaybackUrlInvalid(_("This playback link is not valid for this video."))
    if datetime.now(UTC).timestamp() > expires:
        raise PlaybackUrlExpired(_("This playback link has expired; request a new one."))
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version or not session_is_live(family_id):
        raise PlaybackUrlRevoked(_("This playback link is no longer valid; sign in again."))
    return user
