"""The meeting's phase machine as a table.

Rule 1: the facilitator moves one step forward or one step back, never further.
Rule 2: entering a reading phase reveals that circle's hidden notes (also notes written after a
        step back: they were hidden until this reveal).
Rule 3: every phase change clears the timer and the "now reading" marker, and closes open voting.
Rule 4: a writing phase accepts new notes for its own circle only.
Rule 5: a duo board has its own, shorter table: people pair up, work in their duos (each duo
        moves through the four steps of its own sheets, see duo.py), then close together.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Final

from app.room.state import Circle, Phase, Variant

ORDER: Final[tuple[Phase, ...]] = (
    Phase.TOPIC,
    Phase.INNER_WRITING,
    Phase.INNER_READING,
    Phase.OUTER_WRITING,
    Phase.OUTER_READING,
    Phase.STEP_FORWARD,
    Phase.CLOSING,
)

ALLOWED_TRANSITIONS: Final[frozenset[tuple[Phase, Phase]]] = frozenset(
    {(a, b) for a, b in pairwise(ORDER)} | {(b, a) for a, b in pairwise(ORDER)}
)

WRITING_CIRCLE: Final[dict[Phase, Circle]] = {
    Phase.INNER_WRITING: Circle.INNER,
    Phase.OUTER_WRITING: Circle.OUTER,
}

REVEALS_ON_ENTRY: Final[dict[Phase, Circle]] = {
    Phase.INNER_READING: Circle.INNER,
    Phase.OUTER_READING: Circle.OUTER,
}

READING_PHASES: Final[frozenset[Phase]] = frozenset(REVEALS_ON_ENTRY)

DUO_ORDER: Final[tuple[Phase, ...]] = (Phase.PAIRING, Phase.DUOS, Phase.CLOSING)

DUO_TRANSITIONS: Final[frozenset[tuple[Phase, Phase]]] = frozenset(
    {(a, b) for a, b in pairwise(DUO_ORDER)} | {(b, a) for a, b in pairwise(DUO_ORDER)}
)

FIRST_PHASE: Final[dict[Variant, Phase]] = {Variant.TEAM: ORDER[0], Variant.DUO: DUO_ORDER[0]}

TRANSITIONS: Final[dict[Variant, frozenset[tuple[Phase, Phase]]]] = {
    Variant.TEAM: ALLOWED_TRANSITIONS,
    Variant.DUO: DUO_TRANSITIONS,
}
