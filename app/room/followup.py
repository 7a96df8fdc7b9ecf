"""Follow-up meetings: the same board, weeks later, picks up where it left off.

Theory of operation
-------------------
A board holds one meeting after another. `FollowUpOpened` numbers the next meeting and stamps
its date (the shell's clock, as for timers); nothing of the earlier meetings is removed. Notes
and plans remember the meeting they were written in, so:

- notes of earlier meetings stay on the circles, revealed; new notes are hidden until their
  circle is revealed, as always, and the reading order reads the new ones only;
- the follow-up starts at the topic step, which then is the review: the earlier meetings' next
  steps get their status (open, done) and the outer items that happened move inward
  (`MoveInward`, recording the meeting and the date on the note);
- dot voting and the chosen item start fresh in every meeting;
- the agenda starts again before its first part, and the circles are round I's again (a round
  II in a later meeting continues the round II circles of earlier meetings).

`history.py` derives the picture of the board over its meetings from the same state.
"""

from __future__ import annotations

from app.room import agenda
from app.room import events as ev
from app.room.frozen import replace
from app.room.state import Phase, RoomState, VotingStatus


def start_meeting(state: RoomState, event: ev.FollowUpOpened) -> RoomState:
    """The room at the start of a follow-up meeting (the bookkeeping of FollowUpOpened)."""
    topic = _topic_of_round(state, 1)
    state = agenda.reset_for_new_meeting(state)
    state = replace(
        state,
        topic=topic,
        meeting=event.meeting,
        follow_ups=(*state.follow_ups, event.at_ms),
        phase=Phase.TOPIC,
        round=1,
        reading=None,
        voting=VotingStatus.NOT_STARTED,
        dots=0,
        votes={},
        chosen=None,
        timer=None,
    )
    return state


def _topic_of_round(state: RoomState, number: int) -> str:
    """The topic round `number` had last (the current topic while that round runs)."""
    if state.round == number:
        return state.topic
    return next((r.topic for r in reversed(state.past_rounds) if r.round == number), "")
