"""The method's steps: for each phase, the i18n keys of its guidance questions and its default time.

The texts live in the catalogues (web/i18n/nl.json, en.json), taken from the work package of
Centrum Progressiegericht Werken. The team exercise takes 30 minutes in total; the defaults
below add up to that, and the facilitator can change every one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from app.room.state import DuoStep, Phase


@dataclass(frozen=True, slots=True)
class Step:
    phase: Phase
    title_key: str
    question_keys: tuple[str, ...]
    default_seconds: int


STEPS: Final[dict[Phase, Step]] = {
    Phase.TOPIC: Step(Phase.TOPIC, "method.topic.title", ("method.topic.q1",), 2 * 60),
    Phase.INNER_WRITING: Step(
        Phase.INNER_WRITING,
        "method.inner_writing.title",
        (
            "method.inner.q1",
            "method.inner.q2",
            "method.inner.q3",
            "method.inner.q4",
        ),
        5 * 60,
    ),
    Phase.INNER_READING: Step(
        Phase.INNER_READING, "method.inner_reading.title", ("method.reading.hint",), 5 * 60
    ),
    Phase.OUTER_WRITING: Step(
        Phase.OUTER_WRITING,
        "method.outer_writing.title",
        ("method.outer.q1", "method.outer.q2", "method.outer.hint"),
        5 * 60,
    ),
    Phase.OUTER_READING: Step(
        Phase.OUTER_READING, "method.outer_reading.title", ("method.reading.hint",), 5 * 60
    ),
    Phase.STEP_FORWARD: Step(
        Phase.STEP_FORWARD,
        "method.step_forward.title",
        ("method.step.q1", "method.step.q2"),
        6 * 60,
    ),
    Phase.CLOSING: Step(
        Phase.CLOSING,
        "method.closing.title",
        ("method.closing.q1", "method.closing.q2", "method.closing.q3"),
        2 * 60,
    ),
}

TOTAL_DEFAULT_SECONDS: Final = sum(step.default_seconds for step in STEPS.values())


# -- duo boards: "De Progressiegerichte Cirkeltechniek (in duo’s)" ----------------------------


@dataclass(frozen=True, slots=True)
class DuoGuide:
    """One step of a duo sheet: what the interviewer asks, and what they write down."""

    step: DuoStep
    title_key: str
    question_keys: tuple[str, ...]
    hint_key: str


DUO_STEPS: Final[dict[DuoStep, DuoGuide]] = {
    step: DuoGuide(
        step,
        f"duo.step.{step.value}.title",
        tuple(f"duo.step.{step.value}.q{n}" for n in range(1, count + 1)),
        f"duo.step.{step.value}.hint",
    )
    for step, count in (
        (DuoStep.ACTIVITY, 1),
        (DuoStep.INNER, 4),
        (DuoStep.OUTER, 2),
        (DuoStep.STEP_FORWARD, 2),
    )
}

DUO_PHASE_STEPS: Final[dict[Phase, Step]] = {
    Phase.PAIRING: Step(Phase.PAIRING, "method.pairing.title", ("method.pairing.q1",), 3 * 60),
    Phase.DUOS: Step(
        Phase.DUOS,
        "method.duos.title",
        tuple(f"method.duos.q{n}" for n in range(1, 6)),
        2 * 15 * 60,
    ),
    Phase.CLOSING: STEPS[Phase.CLOSING],
}
