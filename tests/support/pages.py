"""Shared helpers for tests of the server-rendered pages."""
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from sqlalchemy import select

from tests.support.helpers import post_form
from webapp.core.extensions import db
from webapp.models import Corporation, User, Video
from webapp.models_email import Invitation
from webapp.models_watching import Caption

DEMO_MP4 = Path(__file__).resolve().parents[2] / "webapp" / "demo_media" / "colour-bars.mp4"


def state():
    """Everything a page could change, read fresh from the database."""
    db.session.expire_all()
    return {
        "users": db.session.execute(select(
            User.id, User.email, User.role, User.password_hash, User.deleted_at, User.session_version, User.locale
        ).order_by(User.id)).all(),
        "videos": db.session.execute(select(
            Video.id, Video.title, Video.source_url, Video.file_key, Video.deleted_at, Video.poster_key,
            Video.poster_request  # a poster from a frame is asked for, then made by the worker
        ).order_by(Video.id)).all(),
        "corporations": db.session.execute(select(
            Corporation.id, Corporation.name, Corporation.plan, Corporation.plan_expires_at, Corporation.locale,
            Corporation.timezone
        ).order_by(Corporation.id)).all(),
        "invitations": db.session.execute(select(
            Invitation.id, Invitation.email, Invitation.role, Invitation.nonce_hash, Invitation.revoked_at
        ).order_by(Invitation.id)).all(),
        "captions": db.session.execute(select(
            Caption.id, Caption.video_id, Caption.language, Caption.label, Caption.is_default
        ).order_by(Caption.id)).all(),
    }


CAPTIONS_VTT = "WEBVTT\n\n00:00:00.200 --> 00:00:01.000\nHello\n"


def stored_files(app):
    """Everything under MEDIA_ROOT (upload spool files would show up here too)."""
    return sorted(Path(app.config["MEDIA_ROOT"]).rglob("*"))


def upload_data(title="Uploaded clip", content=None, filename="clip.mp4"):
    """Multipart form data for the upload page."""
    content = DEMO_MP4.read_bytes() if content is None else content
    return {"title": title, "file": (io.BytesIO(content), filename)}


def post_page(client, url, data=None, logged_in=True, **kwargs):
    """POST like a browser: with a CSRF token read from a page this client may see."""
    return post_form(client, url, data, page="/" if logged_in else "/login", **kwargs)



def post_upload(client, data, **kwargs):
    """POST the upload form, then close the body the test client spooled to a temporary file.

    Werkzeug's client only closes it itself when following redirects.
    """
    response = post_page(client, "/videos/upload", data, content_type="multipart/form-data", **kwargs)
    response.request.input_stream.close()
    return response


def table_rows(response):
    """The table's rows as lists of cell texts."""
    html = response.get_data(as_text=True)
    body = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return [[re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def shown_day(value, locale="en"):
    """A calendar date as the pages show it (Babel's long date format)."""
    return format_date(value, "long", locale=locale)


def shown_moment(value, zone="UTC", locale="en"):
    """A timestamp as the pages show it, in the company's zone: "March 9, 2026 12:00 PM"."""
    local = value.astimezone(ZoneInfo(zone))
    time_pattern = Locale.parse(locale).time_formats["short"].pattern.replace("a", "aaaa")
    return f'{format_date(local, "long", locale=locale)} {format_time(local, time_pattern, locale=locale)}'
