"""Search by title and email ignores Unicode form (NFC/NFD/NFKC), letter case and, for titles, spaces,
on PostgreSQL and on SQLite (`make run`)."""
import unicodedata

import pytest
from sqlalchemy import select, text

from tests import factories
from webapp.accounts.queries import members_query
from webapp.core.extensions import db
from webapp.models import Video
from webapp.videos.queries import library_query

NFD = lambda value: unicodedata.normalize("NFD", value)  # noqa: E731

TITLES = ["정보보안 교육", NFD("개인정보 보호 기초"), "Security Basics", "ＦＩＲＥ drill", "Payroll 100%",
          "HR_2026/Q1 review"]
TITLE_CASES = [
    ("보안교육", ["정보보안 교육"]),                  # spaces in the title are ignored
    ("정보 보안", ["정보보안 교육"]),                 # ... and in the query
    ("보호 기초", [NFD("개인정보 보호 기초")]),        # stored decomposed, searched composed
    (NFD("개인정보"), [NFD("개인정보 보호 기초")]),    # and the other way round
    ("securitybasics", ["Security Basics"]),
    ("fire DRILL", ["ＦＩＲＥ drill"]),                # full-width letters fold to ASCII (NFKC)
    ("ＰＡＹＲＯＬＬ", ["Payroll 100%"]),
    ("100%", ["Payroll 100%"]),
    ("0%d", []),                                      # % and _ are literal characters
    ("R_2", ["HR_2026/Q1 review"]),
    ("R_20", ["HR_2026/Q1 review"]),
    ("HR_2026/q1", ["HR_2026/Q1 review"]),            # so is the pattern's escape character
    ("6/Q", ["HR_2026/Q1 review"]),
    ("R%2", []),
    ("HR2", []),
    ("6//Q", []),
    ("_", ["HR_2026/Q1 review"]),
    ("/", ["HR_2026/Q1 review"]),
    ("   ", TITLES),                                 # an empty search lists everything
    ("교육 보안", []),
]


@pytest.fixture(params=["postgresql", "sqlite"])
def database(request):
    """The app on PostgreSQL (the `app` fixture) or on a migrated SQLite file."""
    return request.getfixturevalue("app" if request.param == "postgresql" else "sqlite_app")


def test_titles_match_whatever_the_form_case_and_spaces(database):
    corporation = factories.make_corporation(name="Searchers")
    other = factories.make_corporation(name="Others")
    for title in TITLES:
        factories.make_video(corporation, title=title)
    factories.make_video(other, title="정보보안 교육 (other company)")
    for query, expected in TITLE_CASES:
        found = [video.title for video in db.session.scalars(*library_query(corporation.id, query))]
        assert sorted(found) == sorted(expected), query


def test_emails_match_whatever_the_form_and_case(database):
    corporation = factories.make_corporation(name="Mailers")
    factories.make_user(corporation, email="Jöe.Kim@Example.com")
    factories.make_user(corporation, email="ann@example.com")
    for query in ["JÖE", NFD("jöe"), "ｊｏ", "KIM@EXAMPLE"]:
        found = [user.email for user in db.session.scalars(members_query(corporation.id, query))]
        expected = [] if query == "ｊｏ" else ["jöe.kim@example.com"]
        assert found == expected, query


def test_the_library_page_finds_korean_titles_without_spaces(app, guest_client, corporation):
    factories.make_video(corporation, title="정보보안 교육")
    page = guest_client.get("/library/?q=보안교육").get_data(as_text=True)
    assert "정보보안 교육" in page


def test_title_search_can_use_the_trigram_index_on_postgresql(app):
    """The title filter the search sends (LIKE on the normalised title, with its ESCAPE clause) is
    one the pg_trgm index answers: with sequential scans off the planner picks it (the figures on
    100 000 videos are in bench/search.py)."""
    corporation = factories.make_corporation(name="Planners")
    factories.make_video(corporation, title="정보보안 교육")
    query, params = library_query(corporation.id, "보안교육")
    statement = select(Video.id).where(query.whereclause.clauses[-1]).params(params)
    sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(row[0] for row in conn.execute(text("EXPLAIN " + sql)))
    assert "ix_videos_title_key_trgm" in plan


def test_sqlite_keeps_the_case_insensitive_company_name_index_through_the_migrations(sqlite_app):
    """Adding columns rebuilds SQLite tables; the lower(name) unique index must come back."""
    names = db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'")).all()
    assert "uq_corporations_lower_name" in names and "ix_videos_title_key_trgm" in names
