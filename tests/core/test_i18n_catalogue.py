"""The Korean catalogue is complete and current, and no user-facing text is left untranslatable."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "webapp" / "translations"
KO_PO = CATALOGUES / "ko" / "LC_MESSAGES" / "messages.po"
KO_MO = CATALOGUES / "ko" / "LC_MESSAGES" / "messages.mo"
# Text that is the same in every language: the product's name, format names, symbols.
UNTRANSLATED_TEXT = {"Reelhouse", "· Reelhouse", "0%"}


def messages(catalog):
    return {message.id if isinstance(message.id, str) else tuple(message.id):
            message.string if isinstance(message.string, str) else tuple(message.string)
            for message in catalog if message.id}


@pytest.fixture(scope="module")
def korean():
    with KO_PO.open("rb") as po:
        return read_po(po, locale="ko")


def test_every_message_has_a_korean_translation(korean):
    untranslated = [key for key, text in messages(korean).items()
                    if not (all(text) if isinstance(text, tuple) else text)]
    assert untranslated == []
    assert len(messages(korean)) > 300


def test_the_catalogue_holds_exactly_the_strings_of_the_code(korean, tmp_path):
    """An extraction from today's sources finds no string missing from the catalogue (run
    `make translations` after changing strings) and none left over."""
    pot = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "-F", "babel.cfg",
                    "--ignore-dirs", ".*", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as handle:
        extracted = set(messages(read_po(handle)))
    in_catalogue = set(messages(korean))
    assert sorted(map(str, extracted - in_catalogue)) == []
    assert sorted(map(str, in_catalogue - extracted)) == []


def test_the_compiled_catalogue_matches_its_source(korean):
    """The committed .mo is compiled from the committed .po (`make translations-compile`)."""
    with KO_MO.open("rb") as mo:
        compiled = messages(read_mo(mo))
    source = {key: text for key, text in messages(korean).items()}
    assert compiled == source


def visible_text(html):
    """Literal text a template shows: between tags, and in attributes people read or hear."""
    shown = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    attributes = re.findall(r'\b(?:aria-label|title|placeholder|alt|data-confirm)="([^"{}]*)"', shown)
    between_tags = re.sub(r"<[^>]*>", "\n", shown)
    return [text.strip() for text in between_tags.splitlines() + attributes if text.strip()]


@pytest.mark.parametrize("template", sorted(p.relative_to(ROOT / "templates").as_posix()
                                            for p in (ROOT / "templates").rglob("*.html")))
def test_templates_mark_every_word_for_translation(template):
    """Literal words in a template (outside {{ _('...') }}) would stay English in Korean pages.
    The Swagger UI page is the API documentation, which stays English."""
    if template == "api/docs.html":
        pytest.skip("the OpenAPI documentation stays English")
    source = (ROOT / "templates" / template).read_text()
    env = Environment(extensions=["jinja2.ext.i18n"])
    literal = "".join(value for _lineno, kind, value in env.lex(source) if kind == "data")
    words = [text for text in visible_text(literal)
             if re.search(r"[A-Za-z]{2,}", text) and text not in UNTRANSLATED_TEXT]
    assert words == []


SHOWN_CALLS = {"flash"}  # functions whose first argument is shown to people
# Exceptions for operators and programmers (start-up checks, bad configuration), not for users.
# StorageError: a storage failure for the logs; whoever catches it shows its own translated message.
OPERATOR_ERRORS = {"RuntimeError", "ValueError", "TypeError", "KeyError", "ClickException", "StorageError",
                   "NotImplementedError"}
LABELLED = re.compile(r"Field$")  # WTForms fields: the first argument is the label


def unmarked_strings(path):
    """String literals (or f-strings) handed to people without gettext: flash(), exceptions raised
    with a message, form field labels and validator messages."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        first = node.args[0]
        literal = isinstance(first, ast.JoinedStr) or (
            isinstance(first, ast.Constant) and isinstance(first.value, str) and re.search(r"[a-z] ", first.value))
        shown = name in SHOWN_CALLS or LABELLED.search(name) or name in ("DataRequired", "FileRequired")
        raised = name not in OPERATOR_ERRORS and any(
            isinstance(parent, ast.Raise) and parent.exc is node for parent in ast.walk(tree))
        if literal and (shown or raised):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_python_code_marks_messages_for_translation():
    """Operator-facing text (CLI output, configuration errors, logs) may stay English."""
    operator_facing = {"worker", "config.py", "webapp/demo.py"}
    found = [place for path in sorted((ROOT / "webapp").rglob("*.py")) for place in unmarked_strings(path)]
    found = [place for place in found if not any(place.startswith(prefix) for prefix in operator_facing)]
    assert found == []
