"""Second hardening round for the pages: safe `next` redirects, client addresses that are addresses,
one caching policy (hashed static URLs kept a year, nothing personal stored), reusable emails of
removed members, and the sweep of what crashed uploads leave behind."""
import hashlib
import io
import os
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.factories import PASSWORD
from tests.support.helpers import csrf_token, post_form
from tests.support.mailbox import link_in, path_of
from tests.support.media import aged
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import AuditEvent, Corporation, User, VideoView
from webapp.videos.caption_services import add_caption
from webapp.videos.services import sweep_media

STATIC = Path(__file__).resolve().parents[2] / "static"


def log_in(client, email, next_target=None, **kwargs):
    query = {"next": next_target} if next_target is not None else None
    token = csrf_token(client, "/login")
    return client.post("/login", query_string=query, data={"email": email, "password": PASSWORD,
                                                            "csrf_token": token}, **kwargs)


# ---- next ----------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "/\nx", "/\r\nSet-Cookie: evil=1", "/\tx", "/x\x7fy", "/x\u2028y", "/x\u0085y", "/ x",
    "//evil.example", "/\\evil.example", "\\\\evil.example", "http://evil.example/", "https:evil.example",
    "javascript:alert(1)", "evil.example", "", "/" + "a" * 5000,
])
def test_a_bad_next_target_logs_in_and_goes_home(client, admin, target):
    response = log_in(client, admin.email, target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200  # the session works


@pytest.mark.parametrize("target, location", [
    ("/members/?q=boss", "/members/?q=boss"),
    ("/videos/?q=日本", "/videos/?q=%E6%97%A5%E6%9C%AC"),
    ("/account/%0Ax", "/account/%0Ax"),  # an encoded newline stays encoded: harmless
])
def test_a_good_next_target_is_followed_percent_encoded(client, admin, target, location):
    response = log_in(client, admin.email, target)
    assert response.status_code == 302 and response.headers["Location"] == location


# ---- client addresses ------------------------------------------------------------------------

@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXY_COUNT": 1}], indirect=True)
@pytest.mark.parametrize("forwarded, recorded", [
    ("203.0.113.9", "203.0.113.9"),
    ("2001:db8::1", "2001:db8::1"),
    ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
    ("198.51.100.1, 203.0.113.10", "203.0.113.10"),  # one proxy: the address it saw
    ("1" * 46, "127.0.0.1"),
    ("x" * 300, "127.0.0.1"),
    ("not-an-address", "127.0.0.1"),
    ("203.0.113.9:4711", "127.0.0.1"),
    ("fe80::1%" + "e" * 60, "127.0.0.1"),
    ("<script>", "127.0.0.1"),
])
def test_the_audit_log_records_a_forwarded_address_only_when_it_is_one(
        admin_client, admin, forwarded, recorded):
    response = post_form(admin_client, "/members/new", {"email": "new@initech.example.com", "role": "guest",
                                                        "password": PASSWORD},
                         page="/members/new", headers={"X-Forwarded-For": forwarded})
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEvent.ip).where(AuditEvent.action == "member.added")) == recorded


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXY_COUNT": 1}], indirect=True)
def test_a_forwarded_scheme_other_than_http_or_https_is_ignored(client):
    response = client.get("/login", headers={"X-Forwarded-Proto": "javascript"})
    assert response.status_code == 200
    assert 'action="http://' not in response.get_data(as_text=True)
    assert client.get("/members/", headers={"X-Forwarded-Proto": "javascript"}).headers["Location"].startswith("/")


# ---- caching ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/members/", "/account/", "/activity", "/analytics/", "/videos/",
                                  "/trash/", "/plan/", "/library/", "/members/new"])
def test_personal_pages_are_never_stored(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code in (200, 302), path
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/login", "/signup", "/nothing-here"])
def test_anonymous_pages_carrying_a_session_are_never_stored_either(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_login_and_logout_answers_are_never_stored(client, admin):
    assert log_in(client, admin.email).headers["Cache-Control"] == "no-store"
    assert post_form(client, "/logout", page="/").headers["Cache-Control"] == "no-store"


def static_urls(html):
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_static_urls_carry_a_content_hash_and_are_kept_a_year(admin_client, app):
    urls = static_urls(admin_client.get("/").get_data(as_text=True))
    assert any("css/app.css" in url for url in urls) and any("js/" in url for url in urls)
    for url in urls:
        path, _, version = url.partition("?v=")
        content = (STATIC / path.removeprefix("/static/")).read_bytes()
        assert version == hashlib.sha256(content).hexdigest()[:len(version)] and len(version) >= 8
        response = admin_client.get(url)
        assert response.status_code == 200 and response.data == content
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.public and response.cache_control.immutable
        assert not response.cache_control.private and not response.cache_control.no_store


@pytest.mark.parametrize("query", ["", "?v=0123456789ab", "?v="])
def test_a_static_url_without_its_current_hash_is_revalidated(client, query):
    response = client.get("/static/css/app.css" + query)
    assert response.status_code == 200
    assert response.cache_control.no_cache and not response.cache_control.max_age
    assert not response.cache_control.immutable


def test_a_changed_static_file_gets_a_new_url(app, tmp_path):
    app.static_folder = str(tmp_path)
    (tmp_path / "app.js").write_text("one")
    with app.test_request_context():
        from flask import url_for
        first = url_for("static", filename="app.js")
        (tmp_path / "app.js").write_text("two!")
        os.utime(tmp_path / "app.js", ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
        second = url_for("static", filename="app.js")
    assert first != second and first.startswith("/static/app.js?v=")


def test_video_bytes_are_private(guest_client, corporation, origin):
    source_url = origin.add_file("private.mp4", b"\0\0\0\x18ftypisom" + bytes(99))
    clip = factories.make_video(corporation, source_url=source_url)
    response = guest_client.get(f"/videos/{clip.id}/stream")
    assert response.status_code == 200
    assert response.cache_control.private and not response.cache_control.public


# ---- removed members' emails -------------------------------------------------------------------

@pytest.mark.app_config("mail_settings")
def test_a_removed_members_email_can_be_used_again_and_history_keeps_the_removed_user(
        admin_client, admin, other_admin, corporation, mailbox, run_jobs):
    leaver = factories.make_user(corporation, email="leaver@initech.example.com")
    video = factories.make_video(corporation)
    db.session.add(VideoView(user_id=leaver.id, video_id=video.id, points_awarded=10))
    db.session.commit()
    removed = post_form(admin_client, f"/members/{leaver.id}/remove", {"confirmed": "1"}, page="/members/")
    assert removed.status_code == 302

    again = post_form(admin_client, "/members/new", {"email": "Leaver@initech.example.com", "role": "guest",
                                                     "password": PASSWORD}, page="/members/new")
    assert again.status_code == 302, again.get_data(as_text=True)
    run_jobs()  # the address is free again: its owner gets the link to confirm it, not a warning
    link = path_of(link_in(mailbox.last("leaver@initech.example.com")))
    assert post_form(admin_client.application.test_client(), link, page=link).status_code == 302
    returning = db.session.scalar(select(User).where(User.email == "leaver@initech.example.com",
                                                     User.deleted_at.is_(None)))
    assert returning.id != leaver.id
    assert db.session.scalar(select(VideoView.user_id)) == leaver.id
    removed_event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.removed"))
    assert removed_event.target_id == leaver.id
    assert log_in(admin_client.application.test_client(), "leaver@initech.example.com").status_code == 302

    # Active again: taken, here and in any other company.
    taken = post_form(admin_client, "/members/new", {"email": "leaver@initech.example.com", "role": "guest",
                                                     "password": PASSWORD}, page="/members/new")
    assert taken.status_code == 409


def test_a_removed_members_email_can_sign_up_a_new_company(client, admin_client, corporation):
    leaver = factories.make_user(corporation, email="founder@initech.example.com")
    post_form(admin_client, f"/members/{leaver.id}/remove", {"confirmed": "1"}, page="/members/")
    response = post_form(client, "/signup", {"name": "Founder Ltd", "email": "founder@initech.example.com",
                                             "password": "a-good-long-password",
                                             "confirm": "a-good-long-password"}, page="/signup")
    assert response.status_code == 200
    assert db.session.scalar(select(Corporation).where(Corporation.name == "Founder Ltd")) is not None


def test_a_deleted_companys_member_emails_can_be_used_again(client, admin, guest, other_admin):
    token = client.post("/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD}).get_json()
    response = client.delete(f"/api/v1/corporations/{admin.corporation_id}",
                             headers={"Authorization": f"Bearer {token['access_token']}"})
    assert response.status_code == 204
    again = client.post("/api/v1/corporations", json={"name": "Initech Again", "admin_email": admin.email,
                                                      "admin_password": "a-good-long-password"})
    assert again.status_code == 202, again.get_json()
    assert db.session.scalar(select(Corporation).where(Corporation.name == "Initech Again")) is not None
    added = client.post("/api/v1/users", json={"email": guest.email, "password": PASSWORD},
                        headers={"Authorization": "Bearer " + client.post(
                            "/api/v1/auth/login", json={"email": other_admin.email, "password": PASSWORD}
                        ).get_json()["access_token"]})
    assert added.status_code == 202, added.get_json()
    assert added.get_json()["invitation"]["email"] == guest.email


def test_the_database_allows_one_active_user_per_email(corporation):
    for _ in range(2):
        factories.make_user(corporation, email="twice@initech.example.com", deleted_at=utcnow())
    factories.make_user(corporation, email="twice@initech.example.com")
    with pytest.raises(IntegrityError):
        factories.make_user(corporation, email="twice@initech.example.com")
    db.session.rollback()


# ---- sweep of MEDIA_ROOT ---------------------------------------------------------------------


def test_the_sweep_removes_stale_parts_and_orphans_beyond_the_margin_only(media):
    removed = sweep_media(24 * 3600)
    assert sorted(item["name"] for item in removed) == sorted([media["old part"].name, media["old orphan"].name])
    assert {item["name"]: item["reason"] for item in removed} == {
        media["old part"].name: "unfinished upload", media["old orphan"].name: "no video refers to it"}
    gone = {name for name, path in media.items() if not path.exists()}
    assert gone == {"old part", "old orphan"}
    assert sweep_media(24 * 3600) == []  # twice is harmless


def test_the_sweep_removes_orphaned_posters_and_keeps_those_in_use(app, corporation):
    folder = Path(app.config["MEDIA_ROOT"]) / "posters"
    folder.mkdir(parents=True)
    video = factories.make_video(corporation, poster_key="7-" + "a" * 16 + ".jpg")
    files = {
        "in use": aged(folder / video.poster_key, 48),
        "replaced long ago": aged(folder / ("7-" + "b" * 16 + ".jpg"), 48, b"j" * 500),
        "crashed write": aged(folder / ("7-" + "c" * 16 + ".jpg.part"), 48),
        "just made": aged(folder / ("8-" + "d" * 16 + ".jpg"), 1),
        "not ours": aged(folder / "cover.jpg", 100),
    }
    removed = {item["name"]: item["reason"] for item in sweep_media(24 * 3600)}
    assert removed == {"posters/7-" + "b" * 16 + ".jpg": "no video uses this poster",
                       "posters/7-" + "c" * 16 + ".jpg.part": "unfinished poster"}
    assert {name for name, path in files.items() if path.exists()} == {"in use", "just made", "not ours"}


def test_the_sweep_removes_orphaned_caption_files_and_keeps_those_in_use(app, corporation):
    video = factories.make_video(corporation, title="Captioned")
    caption = add_caption(None, video, io.BytesIO(b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"), "en", "English", False)
    folder = Path(app.config["MEDIA_ROOT"]) / "captions"
    files = {"in use": aged(folder / caption.file_key, 48),
             "orphan": aged(folder / ("e" * 32 + ".vtt"), 48),
             "crashed write": aged(folder / ("f" * 32 + ".vtt.part"), 48),
             "not ours": aged(folder / "notes.vtt", 100)}
    removed = {item["name"]: item["reason"] for item in sweep_media(24 * 3600)}
    assert removed == {f"captions/{'e' * 32}.vtt": "no caption refers to it",
                       f"captions/{'f' * 32}.vtt.part": "unfinished caption file"}
    assert {name for name, path in files.items() if path.exists()} == {"in use", "not ours"}
