"""Benchmark of title search on 100 000 videos of one company, in a throwaway PostgreSQL database.

The search compares a normalised title (NFKC, case-folded, spaces removed: videos.title_key) with
LIKE '%…%', answered by a pg_trgm GIN index. Printed, median of ROUNDS runs of one search page
(count + first 20 rows), and ratios measured in the same run against:
  - the same query with the trigram index dropped (a sequential scan of the table), and
  - a Python scan: load every title of the company and normalise it in the app (what searching
    "regardless of spaces and Unicode form" costs without a stored key).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/search.py
"""
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from throwaway_db import throwaway_database  # noqa: E402  (bench/, next to this script)

from config import TestingConfig  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.core.extensions import db  # noqa: E402
from webapp.core.text import title_key  # noqa: E402
from webapp.models import Video  # noqa: E402
from webapp.videos.queries import library_query  # noqa: E402

VIDEOS = int(os.environ.get("BENCH_VIDEOS", 100_000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
PAGE = 20
ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# One title in 1 000 is about information security; the rest vary over everyday topics.
QUERIES = {"보안교육 (100 matches)": "보안교육", "no match": "없는제목", "common (10%)": "onboarding"}


def seed():
    """VIDEOS videos of one company (titles in Korean and English), title_key as the app writes it."""
    corporation_id = db.session.execute(text(
        "INSERT INTO corporations (name, plan, locale, timezone, created_at, updated_at) "
        "VALUES ('Bench', 'free', 'ko', 'Asia/Seoul', now(), now()) RETURNING id")).scalar_one()
    db.session.execute(text(
        "INSERT INTO videos (corporation_id, title, title_key, source_url, content_type, created_at, updated_at) "
        "SELECT :corporation, t.title, lower(replace(t.title, ' ', '')), 'https://videos.example/' || g || '.mp4', "
        "       'video/mp4', now() - g * interval '1 minute', now() "
        "FROM generate_series(1, :n) AS g, LATERAL (SELECT CASE "
        "  WHEN g % 1000 = 0 THEN '정보보안 교육 ' || g "
        "  WHEN g % 10 = 1 THEN 'Onboarding part ' || g "
        "  ELSE (ARRAY['분기 실적 발표', 'Fire drill', '신입사원 안내', 'Payroll update', '제품 데모'])"
        "       [g % 5 + 1] || ' ' || g "
        "END AS title) AS t"), {"corporation": corporation_id, "n": VIDEOS})
    db.session.commit()
    sample = db.session.execute(select(Video.title, Video.title_key).limit(1000)).all()
    assert all(title_key(title) == key for title, key in sample), "seeded keys differ from the app's"
    vacuum()
    return corporation_id


def vacuum():
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE videos"))


def search_page(corporation_id, query):
    """What a search page asks: the number of matches and the first page."""
    statement, params = library_query(corporation_id, query)
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()), params)
    rows = db.session.scalars(statement.limit(PAGE), params).all()
    return total, len(rows)


def python_scan(corporation_id, query):
    """The alternative without a stored key: read every title, normalise and filter in the app."""
    key = title_key(query)
    titles = db.session.execute(select(Video.id, Video.title).where(
        Video.corporation_id == corporation_id, Video.deleted_at.is_(None))).all()
    matches = [row for row in titles if key in title_key(row.title)]
    return len(matches), min(len(matches), PAGE)


def timed(run, *args):
    times, result = [], None
    for _ in range(ROUNDS):
        started = time.perf_counter()
        result = run(*args)
        times.append(time.perf_counter() - started)
        db.session.rollback()
    return statistics.median(times), result


def main():
    with throwaway_database(ADMIN_URL) as database_url:
        app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            corporation_id = seed()
            with_index = {name: timed(search_page, corporation_id, q) for name, q in QUERIES.items()}
            python = {name: timed(python_scan, corporation_id, q) for name, q in QUERIES.items()}
            db.session.execute(text("DROP INDEX ix_videos_title_key_trgm"))
            db.session.commit()
            vacuum()
            without_index = {name: timed(search_page, corporation_id, q) for name, q in QUERIES.items()}
            db.session.remove()
            db.engine.dispose()
        print(f"title search: {VIDEOS} videos in one company, median of {ROUNDS} runs (count + first {PAGE} rows)")
        for name in QUERIES:
            (indexed, result), (seq, seq_result), (scan, scan_result) = (
                with_index[name], without_index[name], python[name])
            assert result == seq_result == scan_result, (name, result, seq_result, scan_result)
            print(f"  {name:24} {result[0]:6} matches   trigram index {indexed * 1000:7.1f} ms   "
                  f"no index {seq * 1000:7.1f} ms ({seq / indexed:5.1f}x)   "
                  f"Python scan {scan * 1000:7.1f} ms ({scan / indexed:5.1f}x)")


if __name__ == "__main__":
    main()
