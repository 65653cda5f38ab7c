"""Plan page: plan and expiry, upgrade to a future date, switch to free, rename, plan history."""
from datetime import timedelta

import pytest

from tests.factories import days_from_today, make_corporation
from tests.support.pages import post_page, shown_day
from webapp.companies.services import expire_plans
from webapp.core.extensions import db


def test_upgrade_then_switch_to_free_shows_in_badge_and_history(admin_client, admin, corporation):
    until = days_from_today(30)
    response = post_page(admin_client, "/plan/upgrade", {"plan_expires_at": until.isoformat()})
    assert response.status_code == 302
    page = admin_client.get("/plan/").get_data(as_text=True)
    assert f"Paid until {shown_day(until)}" in page  # the layout's badge
    assert f"Paid through {shown_day(until)}" in page
    assert post_page(admin_client, "/plan/free").status_code == 302
    db.session.refresh(corporation)
    assert corporation.plan == "free"
    history = admin_client.get("/plan/").get_data(as_text=True).split("Plan history")[1]
    assert history.count(admin.email) == 2
    assert f"Paid until {shown_day(until)}" in history


@pytest.mark.parametrize("days", [0, -3])
def test_upgrade_needs_a_date_in_the_future(admin_client, corporation, days):
    response = post_page(admin_client, "/plan/upgrade", {"plan_expires_at": days_from_today(days).isoformat()})
    assert response.status_code == 400
    assert "Choose an expiry date in the future." in response.get_data(as_text=True)
    db.session.refresh(corporation)
    assert corporation.plan == "free"


def test_upgrade_without_a_date_is_refused(admin_client, corporation):
    response = post_page(admin_client, "/plan/upgrade", {"plan_expires_at": ""})
    assert response.status_code == 400
    assert "Choose a date." in response.get_data(as_text=True)


def test_the_expiry_job_appears_as_system_in_the_history(app, admin_client, corporation):
    corporation.plan, corporation.plan_expires_at = "paid", days_from_today(-2)
    db.session.commit()
    assert "Expired " in admin_client.get("/plan/").get_data(as_text=True)
    expire_plans()
    page = admin_client.get("/plan/").get_data(as_text=True)
    assert "System (expiry job)" in page
    assert "The paid plan expired on" in page or "the free plan does not expire" in page


def test_rename_the_corporation(admin_client, corporation):
    assert post_page(admin_client, "/plan/rename", {"name": "  Initrode  "}).status_code == 302
    db.session.refresh(corporation)
    assert corporation.name == "Initrode"
    assert "Initrode" in admin_client.get("/library/").get_data(as_text=True)


def test_a_name_taken_in_another_letter_case_is_refused(admin_client, corporation):
    make_corporation(name="Umbrella Corp")
    response = post_page(admin_client, "/plan/rename", {"name": "UMBRELLA corp"})
    assert response.status_code == 409
    assert "Already registered." in response.get_data(as_text=True)
    db.session.refresh(corporation)
    assert corporation.name == "Initech"


def test_the_date_field_offers_tomorrow_as_the_earliest_day(admin_client):
    page = admin_client.get("/plan/").get_data(as_text=True)
    assert f'min="{(days_from_today(0) + timedelta(days=1)).isoformat()}"' in page
