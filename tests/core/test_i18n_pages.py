"""Pages and messages in Korean or English: the member's choice, else the browser's, else the company's."""
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.factories import make_audit_event, make_video
from tests.support.helpers import csrf_token
from tests.support.pages import post_page
from webapp.core.extensions import db
from webapp.models import Corporation

KO = {"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("path", ["/", "/login", "/signup"])
def test_anonymous_pages_follow_the_browser_language(client, path):
    korean = client.get(path, headers=KO)
    assert html_lang(korean) == "ko" and "로그인" in korean.get_data(as_text=True)
    english = client.get(path, headers=EN)
    assert html_lang(english) == "en" and "Log in" in english.get_data(as_text=True)
    assert "로그인" not in english.get_data(as_text=True)


ADMIN_PAGES = ["/library/", "/videos/", "/members/", "/trash/", "/analytics/", "/analytics/members",
               "/activity", "/plan/", "/account/", "/videos/upload", "/videos/new"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_in_korean(admin_client, corporation, path):
    make_video(corporation, title="Fire drill")
    response = admin_client.get(path, headers=KO)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, path
    assert html_lang(response) == "ko"
    assert "내 계정" in page and "로그아웃" in page  # navigation and header
    assert "My account" not in page and "Log out" not in page


def test_the_saved_choice_wins_over_the_browser_and_the_company_default(admin_client, admin, corporation):
    corporation.locale = "en"
    admin.locale = "ko"
    db.session.commit()
    assert html_lang(admin_client.get("/account/", headers=EN)) == "ko"
    response = post_page(admin_client, "/account/language", {"locale": ""})
    assert response.status_code == 302
    assert html_lang(admin_client.get("/account/", headers=EN)) == "en"
    assert html_lang(admin_client.get("/account/", headers=KO)) == "ko"


def test_the_company_default_applies_when_the_browser_asks_for_neither(admin_client, corporation):
    corporation.locale = "ko"
    db.session.commit()
    assert html_lang(admin_client.get("/library/", headers={"Accept-Language": "fr"})) == "ko"
    assert html_lang(admin_client.get("/library/", headers={"Accept-Language": "fr, en;q=0.5"})) == "en"


def test_without_any_hint_pages_are_english(client):
    assert html_lang(client.get("/login")) == "en"


def test_the_footer_switch_saves_the_choice_for_a_member(admin_client, admin):
    page = admin_client.get("/library/", headers=EN).get_data(as_text=True)
    footer = page.split('class="site-footer"')[1]
    assert 'name="csrf_token"' in footer and 'value="ko" lang="ko"' in footer
    response = post_page(admin_client, "/language", {"locale": "ko", "next": "/library/?q=x"})
    assert response.status_code == 303 and response.headers["Location"] == "/library/?q=x"
    db.session.refresh(admin)
    assert admin.locale == "ko"
    korean = admin_client.get("/library/", headers=EN)
    assert html_lang(korean) == "ko"
    pressed = 'value="ko" lang="ko" class="link-button"\n              aria-pressed="true"'
    assert pressed in korean.get_data(as_text=True)


def test_the_footer_switch_works_before_logging_in_and_survives_the_login(client, admin):
    token = csrf_token(client, "/login")
    assert client.post("/language", data={"locale": "ko", "csrf_token": token, "next": "//evil.example"}
                       ).headers["Location"] == "/"
    assert html_lang(client.get("/login", headers=EN)) == "ko"
    from tests.factories import PASSWORD
    client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert html_lang(client.get("/library/", headers=EN)) == "ko"


def test_the_switch_refuses_a_missing_token_and_unknown_languages(client):
    assert client.post("/language", data={"locale": "ko"}).status_code == 400
    response = client.post("/language", data={"locale": "fr", "csrf_token": csrf_token(client)}, headers=KO)
    assert response.status_code == 400
    assert "영어 또는 한국어를 선택하세요." in response.get_data(as_text=True)
    assert html_lang(client.get("/login")) == "en"


def test_flash_messages_and_wtforms_messages_are_korean(admin_client, corporation):
    response = post_page(admin_client, "/plan/rename", {"name": ""}, headers=KO)
    assert response.status_code == 400
    assert "이 항목은 필수입니다." in response.get_data(as_text=True)  # WTForms' own DataRequired text
    post_page(admin_client, "/plan/rename", {"name": "이니텍"}, headers=KO)
    assert "회사 이름이 이니텍(으)로 바뀌었습니다." in admin_client.get("/plan/", headers=KO).get_data(as_text=True)


def test_error_and_csrf_pages_are_korean(client):
    missing = client.get("/no-such-page", headers=KO)
    assert missing.status_code == 404 and "여기에는 아무것도 없습니다." in missing.get_data(as_text=True)
    refused = client.post("/login", data={"email": "a@b.example", "password": "x"}, headers=KO)
    assert refused.status_code == 400
    assert "CSRF 토큰이 없습니다." in refused.get_data(as_text=True)


def test_the_api_message_follows_accept_language_and_codes_stay(client):
    korean = client.get("/api/v1/videos", headers=KO).get_json()
    english = client.get("/api/v1/videos", headers=EN).get_json()
    assert korean["error"]["code"] == english["error"]["code"] == "unauthorized"
    assert korean["error"]["message"] == "액세스 토큰을 보내세요: Authorization: Bearer <token>."
    assert english["error"]["message"] == "Send an access token: Authorization: Bearer <token>."
    spec = client.get("/api/openapi.json", headers=KO).get_data(as_text=True)
    assert not re.search(r"[가-힣]", spec)


@pytest.mark.parametrize("zone, locale, expected", [
    # Los Angeles leaves daylight saving time at 02:00 on 1 November 2026 (UTC-7 before, UTC-8 after).
    ("America/Los_Angeles", "en", ["October 31, 2026 5:30 PM", "November 1, 2026 1:30 AM",
                                    "November 1, 2026 1:30 AM", "November 1, 2026 2:30 AM"]),
    ("Asia/Seoul", "ko", ["2026년 11월 1일 오전 9:30", "2026년 11월 1일 오후 5:30",
                          "2026년 11월 1일 오후 6:30", "2026년 11월 1일 오후 7:30"]),
])
def test_times_are_shown_in_the_company_zone_across_a_dst_change(admin_client, admin, corporation,
                                                                 zone, locale, expected):
    corporation.timezone = zone
    admin.locale = locale
    db.session.commit()
    moments = [datetime(2026, 11, 1, 0, 30, tzinfo=UTC), datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
               datetime(2026, 11, 1, 9, 30, tzinfo=UTC), datetime(2026, 11, 1, 10, 30, tzinfo=UTC)]
    for number, moment in enumerate(moments):
        make_audit_event(corporation, admin, "video.added", when=moment, title=f"Clip {number}")
    page = admin_client.get("/activity").get_data(as_text=True)
    shown = [" ".join(cell.split()) for cell in re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>", page, re.S)]
    assert shown == list(reversed(expected))
    assert zone in page
    # The date filter means days in the company's zone: 1 November there.
    first_of_november = admin_client.get("/activity?date_from=2026-11-01&date_to=2026-11-01").get_data(as_text=True)
    shown = [" ".join(cell.split()) for cell in re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>", first_of_november, re.S)]
    assert shown == [moment for moment in reversed(expected) if ("11월 1일" in moment or "November 1," in moment)]


def test_the_plan_page_shows_when_the_paid_plan_ends_in_the_company_zone(app, admin_client, admin, corporation):
    app.config["PLAN_TIMEZONE"] = "Asia/Seoul"
    corporation.plan, corporation.plan_expires_at = "paid", date(2030, 3, 31)
    corporation.timezone = "America/Los_Angeles"
    db.session.commit()
    page = admin_client.get("/plan/", headers=EN).get_data(as_text=True)
    ends = " ".join(re.search(r'data-testid="plan-ends-at">(.*?)</span>', page, re.S).group(1).split())
    # Midnight at the start of 1 April in Seoul is 08:00 on 31 March in Los Angeles (PDT, UTC-7).
    assert ends == "(the paid plan ends at March 31, 2030 8:00 AM, America/Los_Angeles time)"


def test_admins_set_the_company_language_and_a_valid_time_zone(admin_client, corporation):
    for zone in ["Mars/Olympus", "asia/seoul", "", "../../etc/passwd"]:
        response = post_page(admin_client, "/plan/settings", {"locale": "ko", "timezone": zone})
        assert response.status_code == 400, zone
    db.session.refresh(corporation)
    assert (corporation.locale, corporation.timezone) == ("en", "UTC")
    assert post_page(admin_client, "/plan/settings", {"locale": "ko", "timezone": "Asia/Seoul"}).status_code == 302
    db.session.refresh(corporation)
    assert (corporation.locale, corporation.timezone) == ("ko", "Asia/Seoul")
    assert "Language and time zone changed" in admin_client.get("/activity", headers=EN).get_data(as_text=True)


def test_guests_cannot_change_company_settings(guest_client, corporation):
    assert post_page(guest_client, "/plan/settings", {"locale": "ko", "timezone": "Asia/Seoul"}).status_code == 403


@pytest.mark.parametrize("sent, expected", [("Asia/Seoul", "Asia/Seoul"), ("Not/AZone", "UTC"), ("", "UTC")])
def test_a_new_company_takes_the_sign_up_browser_zone_when_valid(app, client, sent, expected):
    from webapp.models import Corporation
    response = client.post("/signup", headers=KO, data={
        "name": f"Zone {expected} {sent or 'none'}", "email": f"a{len(sent)}@zone.example.com",
        "password": "a long enough passphrase", "confirm": "a long enough passphrase",
        "timezone": sent, "csrf_token": csrf_token(client, "/signup")})
    assert response.status_code == 200
    company = db.session.query(Corporation).filter_by(name=f"Zone {expected} {sent or 'none'}").one()
    assert company.timezone == expected and company.locale == "ko"


def test_api_sign_up_takes_a_validated_time_zone_and_language(client):
    body = {"name": "Seoul Media", "admin_email": "admin@seoul.example.com",
            "admin_password": "a long enough passphrase", "timezone": "Asia/Seoul", "locale": "ko"}
    refused = client.post("/api/v1/corporations", json={**body, "timezone": "Seoul"}, headers=KO)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "validation_error"
    assert "timezone" in refused.get_json()["error"]["fields"]
    created = client.post("/api/v1/corporations", json=body)
    assert created.status_code == 202
    corporation = db.session.scalar(select(Corporation).where(Corporation.name == "Seoul Media"))
    assert (corporation.timezone, corporation.locale) == ("Asia/Seoul", "ko")


# Words that are the same in Korean: the product, the language switch, units, formats and protocols.
SAME_IN_KOREAN = {"Reelhouse", "English", "URL", "API", "IP", "MB", "MP", "WebM", "http", "https", "UTC"}


def english_words(page):
    """Latin-script words a person sees on the page (text and aria-label/title/placeholder/alt)."""
    from tests.core.test_i18n_catalogue import visible_text

    page = re.sub(r'<select[^>]*name="timezone".*?</select>', "", page, flags=re.S)  # IANA names
    return {word for text in visible_text(page.split("<body>")[1]) for word in re.findall(r"[A-Za-z]{2,}", text)}


@pytest.mark.parametrize("path", ["/", "/login", "/signup", "/no-such-page"])
def test_korean_pages_before_logging_in_show_no_english(client, path):
    assert english_words(client.get(path, headers=KO).get_data(as_text=True)) - SAME_IN_KOREAN == set()


def test_korean_pages_show_no_english_words_besides_names_and_data(admin_client, corporation, admin, guest):
    """The rendered counterpart of the catalogue test: whatever is left English on a Korean page is
    either data (emails, titles, the company's name, URLs, time zone names) or listed above."""
    video = make_video(corporation, title="정보보안 교육", source_url="https://videos.example/intro.mp4")
    make_audit_event(corporation, admin, "video.added", video, title=video.title)
    data = " ".join([corporation.name, admin.email, guest.email, video.source_url])
    for path in ADMIN_PAGES + ["/", "/members/new", f"/videos/{video.id}/edit", f"/watch/{video.id}"]:
        words = english_words(admin_client.get(path, headers=KO).get_data(as_text=True))
        assert sorted(word for word in words - SAME_IN_KOREAN if word not in data) == [], path
