"""The meeting around the circles: an agenda of parts, as a table.

The structure follows Centrum Progressiegericht Werken's progress-focused case discussion:
a warm-up in duos about something positive, round I (the circle technique), a five-minute
pause, round II if there is time, and a closing (reflect on usefulness, agree what follows).

Theory of operation
-------------------
Rule 1: the facilitator moves one part forward or back (compare-and-set, like phases). The
        meeting starts with a move from "not started" (None) to the first part.
Rule 2: round II is optional: while it is skipped, the pause is followed by the closing.
        Once round II has started it can no longer be skipped, and round I lies behind it:
        stepping back stops at the pause.
Rule 3: entering a part starts its countdown from the part's planned minutes (also when
        stepping back into it). The deadline is in the log, as for the phase timer.
Rule 4: changing the planned minutes of the current part moves its running deadline by the
        difference; other parts just get a new plan.
Rule 5: entering a part does what a phase change does: open voting closes, the phase timer
        and the "now reading" marker are cleared.
Rule 6: entering round II for the first time starts round 2 of the circles (a new topic, the
        phase machine from the start, empty circles); entering the closing moves the circles to
        their closing phase, where the phones answer the usefulness questions.

The agenda's countdown and the phase timer are two clocks. Inside a round the phase timer (one
per phase, with its optional writing lock) is the big clock and the round's countdown shows
small beside it; in the warm-up, the pause and the closing the part's countdown is the big
clock, on the screen and on the phones.
"""

from __future__ import annotations

from typing import Final

from app.room.frozen import replace
from app.room.phases import FIRST_PHASE
from app.room.state import Agenda, Part, RoomState, RoundRecord, VotingStatus

ORDER: Final[tuple[Part, ...]] = (
    Part.WARM_UP,
    Part.ROUND_1,
    Part.PAUSE,
    Part.ROUND_2,
    Part.CLOSING,
)

DEFAULT_MINUTES: Final[dict[Part, int]] = {
    Part.WARM_UP: 10,
    Part.ROUND_1: 30,
    Part.PAUSE: 5,
    Part.ROUND_2: 30,
    Part.CLOSING: 10,
}

ROUND_OF: Final[dict[Part, int]] = {Part.ROUND_1: 1, Part.ROUND_2: 2}

PROMPT_KEYS: Final[dict[Part, tuple[str, ...]]] = {
    Part.WARM_UP: ("agenda.warm_up.q1", "agenda.warm_up.q2", "agenda.warm_up.q3"),
    Part.ROUND_1: ("agenda.round.hint",),
    Part.PAUSE: ("agenda.pause.hint",),
    Part.ROUND_2: ("agenda.round.hint",),
    Part.CLOSING: ("method.closing.q1", "method.closing.q2", "method.closing.q3"),
}
"""The i18n keys of what the screen and the phones show in each part."""


def planned_minutes(agenda: Agenda, part: Part) -> int:
    return agenda.minutes.get(part, DEFAULT_MINUTES[part])


def included(agenda: Agenda, part: Part) -> bool:
    return part is not Part.ROUND_2 or agenda.round_two


def parts(agenda: Agenda) -> tuple[Part, ...]:
    """The parts this meeting runs, in order (round II only while included)."""
    return tuple(p for p in ORDER if included(agenda, p))


def next_part(agenda: Agenda) -> Part | None:
    """The part after the current one (the first part before the meeting starts)."""
    start = 0 if agenda.part is None else ORDER.index(agenda.part) + 1
    return next((p for p in ORDER[start:] if included(agenda, p)), None)


def previous_part(state: RoomState) -> Part | None:
    """The part before the current one, if the meeting may step back to it (Rule 2)."""
    agenda = state.agenda
    if agenda.part is None:
        return None
    earlier = [p for p in ORDER[: ORDER.index(agenda.part)] if included(agenda, p)]
    if not earlier:
        return None
    before = earlier[-1]
    if state.round > 1 and ORDER.index(before) < ORDER.index(Part.PAUSE):
        return None
    return before


def starts_a_round(state: RoomState, part: Part) -> int | None:
    """The round number that entering `part` starts, if it starts one (Rule 6)."""
    number = ROUND_OF.get(part)
    return number if number is not None and number > state.round else None


def new_round(state: RoomState, number: int) -> RoomState:
    """The room at the start of circle round `number`: the round before goes on the record,
    the circles start again from the topic. Notes and plans stay, tagged with their round; at a
    follow-up meeting the round's circles from earlier meetings come back, with their topic."""
    earlier = next((r.topic for r in reversed(state.past_rounds) if r.round == number), "")
    return replace(
        state,
        round=number,
        past_rounds=(*state.past_rounds, _record(state)),
        topic=earlier,
        phase=FIRST_PHASE[state.variant],
        reading=None,
        voting=VotingStatus.NOT_STARTED,
        dots=0,
        votes={},
        chosen=None,
        timer=None,
    )


def reset_for_new_meeting(state: RoomState) -> RoomState:
    """The agenda and the rounds for a new (follow-up) meeting in the same room.

    The round that ran goes on the record, round numbering starts at 1 again, and the agenda
    waits before its first part with the facilitator's plan (minutes, round II) kept. The
    caller moves `meeting` on, and calls this before doing so.
    """
    agenda = Agenda(minutes=state.agenda.minutes, round_two=state.agenda.round_two)
    return replace(state, agenda=agenda, round=1, past_rounds=(*state.past_rounds, _record(state)))


def _record(state: RoomState) -> RoundRecord:
    return RoundRecord(
        meeting=state.meeting,
        round=state.round,
        topic=state.topic,
        chosen=state.chosen,
        tally=state.tally(),
    )
