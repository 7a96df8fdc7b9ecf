"""The texts of the pages and the exports (web/i18n/*.json): both languages have the same keys
with the same placeholders, and every key the code asks for by name is there. A missing key
shows the key itself to the room ("people.count") instead of a text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.config import WEB_DIR

APP_DIR = Path(__file__).resolve().parents[2] / "app"
LANGUAGES = ("nl", "en")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
KEY = r"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"
# Keys named in full; keys made up from parts (`error.${code}`) are not checked here.
JS_TEXT = re.compile(r"\bt\(\s*'" + KEY + "'")
JS_PLURAL = re.compile(r"\bplural\(\s*'" + KEY + "'")
HTML_TEXT = re.compile(r'data-i18n(?:-aria|-placeholder|-title)?="' + KEY + '"')
PY_TEXT = re.compile(r'\b(?:t\(|label\(settings, state, )"' + KEY + '"')
PY_PLURAL = re.compile(r'\bplural\(t, "' + KEY + '"')


def catalogue(language: str) -> dict[str, str]:
    texts: dict[str, str] = json.loads((WEB_DIR / "i18n" / f"{language}.json").read_text())
    return texts


def wanted_keys() -> dict[str, set[str]]:
    """Every key the code names in full, with the files that name it."""
    wanted: dict[str, set[str]] = {}

    def want(key: str, where: Path) -> None:
        wanted.setdefault(key, set()).add(str(where.relative_to(WEB_DIR.parent)))

    sources = [
        *(WEB_DIR / "js").glob("*.js"),
        *WEB_DIR.glob("*.html"),
        *APP_DIR.rglob("*.py"),
    ]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        singles = (JS_TEXT, HTML_TEXT) if path.suffix != ".py" else (PY_TEXT,)
        plurals = JS_PLURAL if path.suffix != ".py" else PY_PLURAL
        for pattern in singles:
            for key in pattern.findall(text):
                want(key, path)
        for key in plurals.findall(text):
            want(f"{key}.one", path)
            want(f"{key}.other", path)
    return wanted


def test_both_languages_have_the_same_texts() -> None:
    dutch, english = (set(catalogue(language)) for language in LANGUAGES)
    assert sorted(dutch - english) == [], "only in Dutch"
    assert sorted(english - dutch) == [], "only in English"


def test_a_text_has_the_same_placeholders_in_both_languages() -> None:
    dutch, english = (catalogue(language) for language in LANGUAGES)
    different = {
        key: (text, english.get(key, ""))
        for key, text in dutch.items()
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(english.get(key, "")))
    }
    assert different == {}


def test_the_code_finds_the_keys_it_names() -> None:
    wanted = wanted_keys()
    assert len(wanted) > 300  # the patterns still find what the code asks for
    assert "people.count.one" in wanted and "screen.timer.chime" in wanted
    for language in LANGUAGES:
        texts = catalogue(language)
        missing = {key: sorted(where) for key, where in wanted.items() if key not in texts}
        assert missing == {}, language


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("t('screen.timer.chime')", {"screen.timer.chime"}),
        ("plural('people.count', n)", {"people.count.one", "people.count.other"}),
        ("t(`error.${code}`)", set()),
    ],
)
def test_the_patterns_read_a_call_as_the_pages_write_it(source: str, found: set[str]) -> None:
    keys = set(JS_TEXT.findall(source))
    keys |= {f"{key}.{form}" for key in JS_PLURAL.findall(source) for form in ("one", "other")}
    assert keys == found
