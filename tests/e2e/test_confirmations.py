"""With JavaScript, "Delete forever" and demoting oneself ask in the browser's dialog: cancelled,
nothing happens; confirmed, it is done at once (no second question from the server)."""
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from webapp.core.extensions import db
from webapp.models import User, Video

pytestmark = pytest.mark.browser


def test_dialogs_ask_first_and_the_answer_is_respected(page, live_server, browser_login, admin, corporation):
    video = factories.make_video(corporation, title="Old onboarding", deleted_at=datetime.now(UTC),
                                 deleted_by_id=admin.id)
    video_id = video.id
    factories.make_admin(corporation, email="second@initech.example.com")
    questions = []
    answer = {"accept": False}

    def respond(dialog):
        questions.append(dialog.message)
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", respond)
    admin_id, admin_email = admin.id, admin.email
    browser_login(admin_email)
    page.goto(f"{live_server.url}/trash/")
    purge = page.get_by_role("button", name="Delete forever Old onboarding")
    purge.click()
    assert questions == ["Delete “\u2068Old onboarding\u2069” forever? This cannot be undone."]
    expect(purge).to_be_visible()
    answer["accept"] = True
    purge.click()
    expect(page.locator(".flash").first).to_have_text("“Old onboarding” was deleted forever.")
    db.session.expunge_all()
    assert db.session.get(Video, video_id) is None

    page.goto(f"{live_server.url}/members/")
    mine = page.get_by_role("row", name=re.compile(admin_email))
    mine.get_by_role("button", name="Change").click()  # keeping "Admin": nothing to ask
    expect(page.locator(".flash").first).to_contain_text(f"{admin_email} is now admin")
    assert len(questions) == 2
    mine = page.get_by_role("row", name=re.compile(admin_email))
    mine.get_by_label(f"Role of {admin_email}").select_option("guest")
    mine.get_by_role("button", name="Change").click()
    assert questions[-1].startswith("Make yourself a guest?")
    expect(page).to_have_url(f"{live_server.url}/library/")
    assert db.session.get(User, admin_id).role == "guest"
