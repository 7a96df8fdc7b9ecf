"""The two string catalogues (Dutch first, English second) hold the same keys, and every key the
server uses is in both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.room.agenda import ORDER, PROMPT_KEYS
from app.room.method import DUO_PHASE_STEPS, DUO_STEPS, STEPS

WEB = Path(__file__).resolve().parent.parent / "web"


def catalogue(language: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((WEB / "i18n" / f"{language}.json").read_text("utf-8"))
    return data


def test_dutch_and_english_have_the_same_keys() -> None:
    assert set(catalogue("nl")) == set(catalogue("en"))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_method_step_and_export_label_is_translated(language: str) -> None:
    strings = catalogue(language)
    used = {key for step in STEPS.values() for key in (step.title_key, *step.question_keys)}
    used |= {
        "method.credit",
        "followup.status.done",
        *(f"export.{k}" for k in ("inner", "outer", "chosen", "plans", "who", "when")),
        *(f"export.{k}" for k in ("reflections", "agreements")),
        *(f"export.useful.{k}" for k in ("yes", "partly", "no")),
        *(key for keys in PROMPT_KEYS.values() for key in keys),
        *(f"agenda.part.{part.value}" for part in ORDER),
        "agenda.credit",
        "export.round.1",
        "export.round.2",
    }
    missing = sorted(k for k in used if not strings.get(k))
    assert not missing, missing


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_duo_step_question_and_label_is_translated(language: str) -> None:
    strings = catalogue(language)
    used = {key for g in DUO_STEPS.values() for key in (g.title_key, g.hint_key, *g.question_keys)}
    used |= {key for s in DUO_PHASE_STEPS.values() for key in (s.title_key, *s.question_keys)}
    used |= {f"export.{k}" for k in ("sheet", "activity", "small_step")}
    missing = sorted(k for k in used if not strings.get(k))
    assert not missing, missing


def test_dutch_writes_every_apostrophe_the_same_typographic_way() -> None:
    """One spelling throughout: "duo’s", never "duo's" beside it."""
    straight = sorted(key for key, text in catalogue("nl").items() if "'" in text)
    assert not straight, straight
