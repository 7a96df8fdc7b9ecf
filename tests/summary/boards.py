"""Room states for the summary's tests, built directly (the summary only reads a state)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from app.room.state import (
    Circle,
    Language,
    Note,
    Participant,
    Plan,
    Reflection,
    RoomState,
    ScaleStatus,
    Usefulness,
)

WEB = Path(__file__).resolve().parents[2] / "web"
DAY = date(2026, 11, 23)
TOPIC = "Vergaderen *beter* met team Noord"
CHOSEN = "Besluiten leggen we vast in de notulen"
HIDDEN = "VERBORGEN-notitie"
DELETED = "VERWIJDERDE-notitie"
MERGED = "SAMENGEVOEGDE-notitie"
UNREVEALED = "NOG-GEHEIME-notitie"
NAMES = {"p1": "Ann Jansen", "p2": "Bram de Vries"}


@cache
def _catalogue(language: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((WEB / "i18n" / f"{language}.json").read_text("utf-8"))
    return data


def labels(language: str = "nl") -> Callable[[str], str]:
    strings = _catalogue(language)
    return lambda key: strings.get(key, key)


def note(nid: str, circle: Circle, text: str, order: int, author: str = "p1", **kw: Any) -> Note:
    return replace(Note(nid, author, circle, text, order), **{"revealed": True, **kw})


def meeting(
    *,
    anonymous: bool = False,
    language: Language = Language.NL,
    extra: Iterable[Note] = (),
    **changes: Any,
) -> RoomState:
    """A finished meeting with one of every kind of note that must stay out of the summary."""
    notes = [
        note("i1", Circle.INNER, "We beginnen op tijd", 1),
        note("i2", Circle.INNER, "Iedereen komt aan het woord", 2, author="p2"),
        note("o1", Circle.OUTER, CHOSEN, 3, author="p2"),
        note("o2", Circle.OUTER, "[klik](http://x) en *nadruk*", 4),
        note("h1", Circle.OUTER, HIDDEN, 5, hidden=True),
        note("d1", Circle.INNER, DELETED, 6, deleted=True),
        note("m1", Circle.OUTER, MERGED, 7, merged_into="o1"),
        note("u1", Circle.OUTER, UNREVEALED, 8, revealed=False),
        *extra,
    ]
    state = RoomState(
        room_id="r1",
        created=True,
        topic=TOPIC,
        language=language,
        anonymous=anonymous,
        participants={pid: Participant(pid, name, "hash") for pid, name in NAMES.items()},
        notes={n.nid: n for n in notes},
        votes={"p1": frozenset({"o1"}), "p2": frozenset({"o1", "o2"})},
        chosen="o1",
        plans={
            "s1": Plan("s1", "o1", "Notulen in de chat zetten", "Ann", "maandag", "p1", 1),
            "s2": Plan("s2", "h1", "Een plan bij iets verborgens", "Bram", "", "p2", 2),
        },
        reflections={
            "p1": Reflection(Usefulness.YES, "Rustig tempo", ""),
            "p2": Reflection(Usefulness.PARTLY, "", "Korter graag"),
        },
        agreements="Over vier weken opnieuw\nDan met taart",
        scale=ScaleStatus.CLOSED,
        scale_answers={"p1": 6, "p2": 7},
        scale_previous=(0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0),
    )
    return replace(state, **changes)


def many_notes(inner: int, outer: int) -> RoomState:
    notes = [note(f"i{i}", Circle.INNER, f"Binnen nummer {i}", i) for i in range(inner)]
    notes += [note(f"o{i}", Circle.OUTER, f"Buiten nummer {i}", 1000 + i) for i in range(outer)]
    return RoomState(room_id="r2", topic="Vol bord", notes={n.nid: n for n in notes})
