"""Text normalisation for search: one definition used when storing and when searching.

Titles are matched regardless of Unicode normalisation (NFKC folds full-width letters, ligatures and
composed/decomposed Hangul to one form), letter case, and spaces: "보안교육" finds "정보보안 교육".
"""
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def title_key(value: str | None) -> str:
    """The searchable form of a title: NFKC, case-folded, without any whitespace."""
    if not value:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value).casefold())


LIKE_ESCAPE = "/"


def like_escaped(value: str) -> str:
    """`value` for a LIKE pattern written with ESCAPE LIKE_ESCAPE: its %, _ and / match themselves (as
    SQLAlchemy's autoescape does, which only a statement built for one literal value can use)."""
    return value.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def email_key(value: str | None) -> str | None:
    """Emails are compared after NFKC and lower-casing (stored that way, searched that way)."""
    return unicodedata.normalize("NFKC", value).strip().lower() if value is not None else None
