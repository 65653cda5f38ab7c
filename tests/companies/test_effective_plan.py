"""The effective plan: paid through the whole expiry date in PLAN_TIMEZONE, free from the next day."""
from datetime import UTC, date, datetime

import pytest

from tests.factories import make_corporation
from webapp.core.clock import plan_today

# Auckland is UTC+13 in late November: its days start 13 hours before UTC's.
pytestmark = pytest.mark.app_config(PLAN_TIMEZONE="Pacific/Auckland")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("now, expected_today", [
    (utc(2030, 1, 30, 10, 59), date(2030, 1, 30)),  # 23:59 in Auckland
    (utc(2030, 1, 30, 11, 0), date(2030, 1, 31)),   # midnight in Auckland, still the 30th in UTC
])
def test_today_is_taken_in_the_plan_time_zone(app, now, expected_today):
    assert plan_today(now) == expected_today


@pytest.mark.parametrize("now, expected", [
    (utc(2030, 1, 31, 10, 59), "paid"),   # 23:59 on the expiry date in Auckland
    (utc(2030, 1, 31, 11, 0), "free"),    # 00:00 the day after in Auckland, still the 31st in UTC
    (utc(2030, 1, 30, 12, 0), "paid"),
])
def test_paid_plan_is_paid_through_its_expiry_date_then_free(app, now, expected):
    corporation = make_corporation(plan="paid", plan_expires_at=date(2030, 1, 31))
    assert corporation.effective_plan(plan_today(now)) == expected
    assert corporation.is_paid(plan_today(now)) is (expected == "paid")


def test_expired_paid_plan_is_free_before_any_job_runs(app):
    corporation = make_corporation(plan="paid", plan_expires_at=date(2020, 1, 1))
    assert corporation.plan == "paid"
    assert corporation.effective_plan() == "free"


def test_free_plan_is_free_whatever_its_old_date(app):
    corporation = make_corporation(plan="free", plan_expires_at=date(2099, 1, 1))
    assert corporation.effective_plan() == "free"
