"""The plan expiry job on PostgreSQL: the day boundary in PLAN_TIMEZONE, idempotency, concurrent runs,
the history it writes, and `flask plans expire`."""
import threading
import time
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select, text

from tests.factories import days_from_today, make_corporation
from webapp.companies.queries import plan_history_query
from webapp.companies.services import change_plan
from webapp.core.extensions import db
from webapp.models import AuditEvent, Corporation, PlanChange
from worker import jobs


def plan_of(corporation):
    return db.session.scalar(select(Corporation.plan).where(Corporation.id == corporation.id))


def history_count():
    return db.session.scalar(select(func.count()).select_from(PlanChange))


@pytest.mark.parametrize("zone, utc_now, zone_today", [
    # 10:00 on the 16th in Auckland while UTC is still on the 15th.
    ("Pacific/Auckland", "2026-06-15 22:00:00", date(2026, 6, 16)),
    # 20:00 on the 14th in Los Angeles while UTC is already on the 15th.
    ("America/Los_Angeles", "2026-06-15 03:00:00", date(2026, 6, 14)),
])
def test_plan_expiring_today_in_plan_zone_stays_paid_and_one_expired_yesterday_is_downgraded(
        app, zone, utc_now, zone_today):
    """'Today' is the date in PLAN_TIMEZONE, not in UTC, on both sides of the date line."""
    app.config["PLAN_TIMEZONE"] = zone
    expires_today = make_corporation(plan="paid", plan_expires_at=zone_today)
    expired_yesterday = make_corporation(plan="paid", plan_expires_at=date.fromordinal(zone_today.toordinal() - 1))

    with freeze_time(utc_now):
        result = jobs.expire_plans()

    assert plan_of(expires_today) == "paid"
    assert plan_of(expired_yesterday) == "free"
    assert [c["id"] for c in result["corporations"]] == [expired_yesterday.id]
    assert result["downgraded"] == 1


def test_downgrade_is_recorded_in_history_as_the_system_keeping_the_old_expiry_date(app, admin):
    """The plan page lists the change: by the system (no user), paid → free, the old date kept."""
    corporation = admin.corporation
    expired_on = days_from_today(-2)
    corporation.plan, corporation.plan_expires_at = "paid", expired_on
    db.session.commit()

    jobs.expire_plans()

    history = db.session.scalars(plan_history_query(corporation.id)).all()
    assert len(history) == 1
    change = history[0]
    assert (change.from_plan, change.to_plan, change.reason) == ("paid", "free", "expired")
    assert change.from_expires_at == change.to_expires_at == expired_on
    assert change.changed_by_id is None and change.changed_by is None
    assert change.created_at is not None
    db.session.refresh(corporation)
    assert corporation.plan_expires_at == expired_on  # still visible on the plan page
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.corporation_id == corporation.id)).all()
    assert [(e.action, e.actor_id, e.details["expired_on"]) for e in audit] == [
        ("plan.expired", None, expired_on.isoformat())]


def test_history_lists_the_expiry_after_an_admin_change_newest_first(app, admin):
    corporation = admin.corporation
    change_plan(admin, corporation, "paid", days_from_today(10))
    db.session.execute(
        text("UPDATE corporations SET plan_expires_at = :d WHERE id = :id"),
        {"d": days_from_today(-1), "id": corporation.id},
    )
    db.session.commit()
    jobs.expire_plans()
    history = db.session.scalars(plan_history_query(corporation.id)).all()
    assert [(h.reason, h.changed_by_id) for h in history] == [("expired", None), ("changed", admin.id)]


def test_second_run_downgrades_nothing_and_leaves_history_unchanged(app):
    expired = [make_corporation(plan="paid", plan_expires_at=days_from_today(-d)) for d in (1, 30, 400)]
    still_paid = make_corporation(plan="paid", plan_expires_at=days_from_today(0))
    free = make_corporation(plan="free", plan_expires_at=days_from_today(-5))

    first = jobs.expire_plans()
    history_after_first = history_count()
    audit_after_first = db.session.scalar(select(func.count()).select_from(AuditEvent))
    second = jobs.expire_plans()

    assert sorted(c["id"] for c in first["corporations"]) == sorted(c.id for c in expired)
    assert second == {"downgraded": 0, "corporations": [], "reminders": []}
    assert history_after_first == 3 and history_count() == 3
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_after_first
    assert plan_of(still_paid) == "paid" and plan_of(free) == "free"


def wait_for_lock_waiters(count, deadline=10.0):
    """Block until `count` sessions of this database wait on a row lock."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with db.engine.connect() as conn:
            waiting = conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"))
        if waiting >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{count} runs never waited on the same rows at the same time")


def test_two_concurrent_runs_downgrade_each_corporation_exactly_once(app):
    """Two copies of the job in two transactions at once: no error, one history row per corporation."""
    expired_ids = [make_corporation(plan="paid", plan_expires_at=days_from_today(-1)).id for _ in range(25)]
    still_paid = make_corporation(plan="paid", plan_expires_at=days_from_today(1))

    # Hold the rows so that both runs are inside their UPDATE, waiting on the same rows, at once.
    blocker = db.engine.raw_connection()
    blocker.cursor().execute("SELECT id FROM corporations WHERE id = ANY(%s) FOR UPDATE", (expired_ids,))
    results, errors = [None, None], []

    def run(slot):
        try:
            with app.app_context():
                results[slot] = jobs.expire_plans()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    try:
        wait_for_lock_waiters(2)
    finally:
        blocker.rollback()
        blocker.close()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    downgraded = [c["id"] for r in results for c in r["corporations"]]
    assert sorted(downgraded) == sorted(expired_ids)  # each exactly once across both runs
    assert results[0]["downgraded"] + results[1]["downgraded"] == 25
    per_corporation = dict(db.session.execute(
        select(PlanChange.corporation_id, func.count()).group_by(PlanChange.corporation_id)).all())
    assert per_corporation == {cid: 1 for cid in expired_ids}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "plan.expired")) == 25
    assert plan_of(still_paid) == "paid"


def test_cli_plans_expire_runs_the_job_inline_and_prints_what_it_did(app):
    lapsed = make_corporation(name="Lapsed Ltd", plan="paid", plan_expires_at=date(2026, 1, 31))
    make_corporation(name="Current Co", plan="paid", plan_expires_at=days_from_today(5))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["plans", "expire"])

    assert result.exit_code == 0, result.output
    assert "Downgraded 1 corporation(s) to the free plan:" in result.output
    assert f"#{lapsed.id} Lapsed Ltd (paid plan expired on 2026-01-31)" in result.output
    assert "Current Co" not in result.output
    assert plan_of(lapsed) == "free"
    again = runner.invoke(args=["plans", "expire"])
    assert again.exit_code == 0
    assert again.output.strip() == "No paid plan has expired: nothing to downgrade."


def test_admin_can_still_renew_after_the_job_downgraded(app, admin):
    """The job only makes the stored plan agree with the effective one; a renewal is recorded after it."""
    corporation = admin.corporation
    corporation.plan, corporation.plan_expires_at = "paid", days_from_today(-1)
    db.session.commit()
    jobs.expire_plans()
    change_plan(admin, corporation, "paid", days_from_today(30))
    assert corporation.is_paid()
    assert history_count() == 2


def test_renewing_a_plan_the_expiry_job_just_downgraded_makes_it_paid(app, admin, corporation):
    """The page loaded the company while still paid; the job downgraded it before the renewal was saved."""
    corporation.plan, corporation.plan_expires_at = "paid", days_from_today(-1)
    db.session.commit()
    assert corporation.plan == "paid"  # the copy the renewal starts from
    with db.engine.begin() as job:  # the expiry job, in its own transaction
        job.execute(text("UPDATE corporations SET plan = 'free' WHERE id = :id"), {"id": corporation.id})
    change_plan(admin, corporation, "paid", days_from_today(30))
    assert plan_of(corporation) == "paid"
    [renewal] = db.session.scalars(plan_history_query(corporation.id)).all()
    assert (renewal.from_plan, renewal.to_plan) == ("free", "paid")
