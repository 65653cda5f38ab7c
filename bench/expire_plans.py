"""Benchmark of the plan expiry job: 100 000 corporations, 10% expired, in a throwaway PostgreSQL database.

Prints the time of one job run (target: under 2 s) and two ratios measured in the same run:
against a bare UPDATE of the same rows without history (the floor), and against a per-row ORM loop
(load, change, add history and audit rows one by one) timed on a subset and extrapolated.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/expire_plans.py
"""
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from throwaway_db import throwaway_database  # noqa: E402  (bench/, next to this script)

from config import TestingConfig  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.core.clock import plan_today  # noqa: E402
from webapp.core.extensions import db  # noqa: E402
from webapp.insights import audit  # noqa: E402
from webapp.models import PLAN_FREE, Corporation, PlanChange  # noqa: E402
from worker import jobs  # noqa: E402

CORPORATIONS = int(os.environ.get("BENCH_CORPORATIONS", 100_000))
EXPIRED_EVERY = 10  # one corporation in ten has an expired paid plan
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
ORM_SUBSET = int(os.environ.get("BENCH_ORM_SUBSET", 1_000))
ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def seed():
    """100 000 corporations: every tenth paid and expired yesterday, the others paid for another month."""
    db.session.execute(text(
        "INSERT INTO corporations (name, plan, plan_expires_at, created_at, updated_at) "
        "SELECT 'Company ' || g, 'paid', "
        "       CASE WHEN g % :every = 0 THEN CAST(:today AS date) - 1 ELSE CAST(:today AS date) + 30 END, "
        "       now(), now() FROM generate_series(1, :n) AS g"),
        {"n": CORPORATIONS, "every": EXPIRED_EVERY, "today": plan_today()})
    db.session.commit()
    vacuum()


def vacuum():
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def reset():
    """Put the expired corporations back on their lapsed paid plan and forget the history."""
    db.session.execute(text("UPDATE corporations SET plan = 'paid' WHERE plan = 'free'"))
    db.session.execute(text("DELETE FROM plan_changes"))
    db.session.execute(text("DELETE FROM audit_events"))
    db.session.commit()
    vacuum()


def timed(run):
    """Median seconds of ROUNDS runs of `run`, each on freshly reset data; returns (seconds, last result)."""
    times, result = [], None
    for _ in range(ROUNDS):
        reset()
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def job_run():
    return jobs.expire_plans()["downgraded"]


def bare_update():
    count = db.session.execute(text(
        "UPDATE corporations SET plan = 'free', updated_at = now() "
        "WHERE plan = 'paid' AND plan_expires_at < :today"), {"today": plan_today()}).rowcount
    db.session.commit()
    return count


def orm_loop_subset():
    """The naive way: load each expired corporation, change it, add its history and audit rows."""
    today = plan_today()
    corporations = db.session.scalars(
        select(Corporation).where(Corporation.plan == "paid", Corporation.plan_expires_at < today)
        .order_by(Corporation.id).limit(ORM_SUBSET)).all()
    for corporation in corporations:
        db.session.add(PlanChange(corporation_id=corporation.id, from_plan=corporation.plan, to_plan=PLAN_FREE,
                                  from_expires_at=corporation.plan_expires_at,
                                  to_expires_at=corporation.plan_expires_at, reason="expired"))
        audit.record(corporation.id, None, "plan.expired", corporation,
                     expired_on=corporation.plan_expires_at.isoformat())
        corporation.plan = PLAN_FREE
        db.session.flush()  # one round trip per row, as a loop over rows does
    db.session.commit()
    return len(corporations)


def main():
    with throwaway_database(ADMIN_URL) as database_url:
        app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            seed()
            expired = CORPORATIONS // EXPIRED_EVERY
            job_seconds, downgraded = timed(job_run)
            assert downgraded == expired, (downgraded, expired)
            bare_seconds, updated = timed(bare_update)
            assert updated == expired
            orm_subset_seconds, looped = timed(orm_loop_subset)
            orm_seconds = orm_subset_seconds * expired / looped
            db.session.remove()
            db.engine.dispose()
        print(f"expire_plans: {CORPORATIONS} corporations, {expired} expired, median of {ROUNDS} runs")
        print(f"  job run (UPDATE ... RETURNING + history + audit): {job_seconds * 1000:8.1f} ms"
              f"   target < 2000 ms: {'OK' if job_seconds < 2 else 'MISSED'}")
        print(f"  baseline, bare UPDATE without history:            {bare_seconds * 1000:8.1f} ms"
              f"   job / bare = {job_seconds / bare_seconds:.2f}x")
        print(f"  baseline, per-row ORM loop ({looped} rows, x{expired / looped:.0f}):     {orm_seconds * 1000:8.1f} ms"
              f"   ORM loop / job = {orm_seconds / job_seconds:.1f}x")


if __name__ == "__main__":
    main()
