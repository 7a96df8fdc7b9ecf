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
- dot voting and the chosen item start fresh in every meeting.

`history.py` derives the picture of the board over its meetings from the same state.
"""

from __future__ import annotations

from dataclasses import replace

from app.room import events as ev
from app.room.state import Phase, RoomState, VotingStatus


def start_meeting(state: RoomState, event: ev.FollowUpOpened) -> RoomState:
    """The room at the start of a follow-up meeting (the bookkeeping of FollowUpOpened)."""
    state = replace(
        state,
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
    # The agenda (warm-up, rounds, pause, closing) starts again here as well: its reset for a
    # new meeting is called at this spot, as `state = reset_agenda_for_new_meeting(state)`.
    return state
