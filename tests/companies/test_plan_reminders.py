"""Plan reminders: 7 days and 1 day before a paid plan lapses, and when it lapsed; each once per period.

The expiry job runs every day of a plan's last weeks, twice a day, and from two schedulers at once:
each admin gets exactly three mails, in their language, and guests none.
"""
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from tests import factories
from tests.support.mailbox import text_of
from webapp.companies import services
from webapp.core.extensions import db
from webapp.models_email import PlanReminder
from worker import jobs

pytestmark = pytest.mark.app_config("mail_settings")
EXPIRY = date(2027, 3, 10)


def run_expiry_job_on(day: date, times=2):
    with freeze_time(datetime.combine(day, time(0, 5), tzinfo=UTC)):
        return [jobs.expire_plans() for _ in range(times)]


@pytest.fixture
def paid_company(app):
    with freeze_time(datetime(2027, 2, 1, tzinfo=UTC)):
        corporation = factories.make_corporation(name="Paidco", plan="paid", plan_expires_at=EXPIRY)
    factories.make_admin(corporation, email="owner@paidco.example.com")
    factories.make_admin(corporation, email="cfo@paidco.example.com", locale="ko")
    factories.make_user(corporation, email="viewer@paidco.example.com")
    return corporation


def test_each_reminder_is_sent_once_across_reruns_and_days(app, paid_company, mailbox, run_jobs):
    subjects_by_day = {}
    for offset in range(-9, 3):
        day = EXPIRY + timedelta(days=offset)
        results = run_expiry_job_on(day)
        run_jobs()
        subjects_by_day[offset] = [m["Subject"] for m in mailbox.to("owner@paidco.example.com")]
        assert all(r["reminders"] == [] for r in results[1:])  # the rerun sends nothing
    owner = [m["Subject"] for m in mailbox.to("owner@paidco.example.com")]
    assert owner == ["The paid plan of Paidco ends in 7 days", "The paid plan of Paidco ends tomorrow",
                     "The paid plan of Paidco has ended"]
    assert subjects_by_day[-8] == [] and len(subjects_by_day[-7]) == 1 and len(subjects_by_day[-2]) == 1
    assert len(subjects_by_day[-1]) == 2 and len(subjects_by_day[0]) == 2 and len(subjects_by_day[1]) == 3
    korean = [m["Subject"].strip() for m in mailbox.to("cfo@paidco.example.com")]
    assert len(korean) == 3 and all("Paidco" in s and "유료 플랜" in s for s in korean)
    assert all("유료 플랜" in text_of(m) and "플랜 관리:" in text_of(m)
               for m in mailbox.to("cfo@paidco.example.com"))  # the bodies too, not only the subjects
    assert mailbox.to("viewer@paidco.example.com") == []
    lapsed = mailbox.to("owner@paidco.example.com")[-1]
    assert "March 10, 2027" in text_of(lapsed) and link_in_plain(lapsed).endswith("/plan/")
    assert db.session.scalar(select(func.count(PlanReminder.id))) == 3


def link_in_plain(message):
    return [line for line in text_of(message).splitlines() if line.startswith("http")][0]


def test_a_renewed_plan_is_a_new_period(app, paid_company, mailbox, run_jobs):
    run_expiry_job_on(EXPIRY - timedelta(days=7), times=1)
    paid_company.plan_expires_at = EXPIRY + timedelta(days=365)
    db.session.commit()
    run_expiry_job_on(EXPIRY + timedelta(days=365 - 7), times=1)
    run_jobs()
    assert len(mailbox.to("owner@paidco.example.com")) == 2


def test_a_plan_bought_late_gets_only_the_reminders_still_due(app, mailbox, run_jobs):
    corporation = factories.make_corporation(name="Lateco", plan="paid", plan_expires_at=EXPIRY)
    factories.make_admin(corporation, email="late@lateco.example.com")
    run_expiry_job_on(EXPIRY - timedelta(days=1))
    run_jobs()
    assert [m["Subject"] for m in mailbox.to("late@lateco.example.com")] == ["The paid plan of Lateco ends tomorrow"]


def test_two_schedulers_at_once_send_each_reminder_once(app, paid_company, mailbox, run_jobs):
    barrier = threading.Barrier(2)
    results = []

    def run():
        with app.app_context():
            barrier.wait()
            results.append(services.expire_plans_and_remind(EXPIRY + timedelta(days=1)))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_jobs()
    assert sorted(len(reminders) for _expired, reminders in results) == [0, 1]  # "it lapsed", once
    assert [m["Subject"] for m in mailbox.to("owner@paidco.example.com")] == ["The paid plan of Paidco has ended"]
