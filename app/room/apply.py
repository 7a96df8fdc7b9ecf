"""Bookkeeping: how each event changes the state. Never raises, never checks a rule.

decide() has already checked everything, and the log holds only accepted events, so applying
is plain data copying. Each event moves `seq` on by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import singledispatch
from typing import Any, TypeVar

from app.room import agenda
from app.room import events as ev
from app.room.followup import start_meeting
from app.room.frozen import replace
from app.room.phases import FIRST_PHASE
from app.room.state import (
    Circle,
    Note,
    Participant,
    Plan,
    PlanStatus,
    Reflection,
    RoomState,
    ScaleStatus,
    Timer,
    VotingStatus,
)

K = TypeVar("K")
V = TypeVar("V")


def _with(mapping: Mapping[K, V], key: K, value: V) -> dict[K, V]:
    copy = dict(mapping)
    copy[key] = value
    return copy


def _without(mapping: Mapping[K, V], key: K) -> dict[K, V]:
    copy = dict(mapping)
    copy.pop(key, None)
    return copy


def apply(state: RoomState, event: ev.Event) -> RoomState:
    """The state after one more event."""
    return replace(_apply(event, state), seq=state.seq + 1)


def fold(events: Iterable[ev.Event], state: RoomState | None = None) -> RoomState:
    """The state after a sequence of events (from an empty room by default)."""
    current = state if state is not None else RoomState()
    for event in events:
        current = apply(current, event)
    return current


def _note(state: RoomState, nid: str, **changes: Any) -> RoomState:
    return _put_notes(state, [replace(state.notes[nid], **changes)])


def _put_notes(state: RoomState, notes: Iterable[Note], **changes: Any) -> RoomState:
    """`state` with `notes` added or changed (and any other `changes`).

    Every change to a room's notes goes through here, which keeps the state's indexes of them
    (`written`, `counted`, `writers`) true: a 500-note board is not scanned at every note.
    """
    all_notes = dict(state.notes)
    written = state.written
    counted = dict(state.counted)  # an entry per meeting, round and circle: a copy is cheap
    writers = dict(state.writers)
    for note in notes:
        old = all_notes.get(note.nid)
        all_notes[note.nid] = note
        if old is None:
            written = _with(written, note.author, (*written.get(note.author, ()), note.nid))
        was, now = None if old is None else old.counted_as, note.counted_as
        if was != now and was is not None:
            counted[was] -= 1
            if not counted[was]:
                del counted[was]
            _tally(writers, was, note.author, -1)
        if was != now and now is not None:
            counted[now] = counted.get(now, 0) + 1
            _tally(writers, now, note.author, +1)
    return replace(
        state, notes=all_notes, written=written, counted=counted, writers=writers, **changes
    )


def _tally(
    writers: dict[tuple[int, int, Circle], Mapping[str, int]],
    where: tuple[int, int, Circle],
    author: str | None,
    step: int,
) -> None:
    """Count one note more or less for `author` at `where` (a new mapping: states share them)."""
    if author is None:
        return
    tally = dict(writers.get(where, {}))
    left = tally.get(author, 0) + step
    if left:
        tally[author] = left
    else:
        del tally[author]
    if tally:
        writers[where] = tally
    else:
        writers.pop(where, None)


@singledispatch
def _apply(event: object, state: RoomState) -> RoomState:  # pragma: no cover - exhaustive below
    raise TypeError(f"unknown event {event!r}")


@_apply.register
def _(e: ev.BoardCreated, s: RoomState) -> RoomState:
    return replace(
        s,
        room_id=e.room_id,
        created=True,
        topic=e.topic,
        variant=e.variant,
        language=e.language,
        anonymous=e.anonymous,
        phase=FIRST_PHASE[e.variant],
    )


@_apply.register
def _(e: ev.ParticipantJoined, s: RoomState) -> RoomState:
    return _put_person(s, Participant(pid=e.pid, name=e.display_name, token_hash=e.token_hash))


@_apply.register
def _(e: ev.ParticipantRenamed, s: RoomState) -> RoomState:
    person = replace(s.participants[e.pid], name=e.display_name)
    return replace(s, participants=_with(s.participants, e.pid, person))


@_apply.register
def _(e: ev.TopicChanged, s: RoomState) -> RoomState:
    return replace(s, topic=e.topic)


@_apply.register
def _(e: ev.PhaseChanged, s: RoomState) -> RoomState:
    return replace(s, phase=e.to)


@_apply.register
def _(e: ev.PartEntered, s: RoomState) -> RoomState:
    clock = Timer(e.duration_ms, e.deadline_ms, e.duration_ms, lock_writing=False)
    return replace(s, agenda=replace(s.agenda, part=e.to, clock=clock))


@_apply.register
def _(e: ev.RoundStarted, s: RoomState) -> RoomState:
    return agenda.new_round(s, e.round)


@_apply.register
def _(e: ev.RoundTwoChanged, s: RoomState) -> RoomState:
    return replace(s, agenda=replace(s.agenda, round_two=e.included))


@_apply.register
def _(e: ev.PartMinutesChanged, s: RoomState) -> RoomState:
    plan = replace(s.agenda, minutes=_with(s.agenda.minutes, e.part, e.minutes))
    clock = plan.clock
    if e.deadline_ms is not None and clock is not None and plan.part is e.part:
        ms = e.minutes * 60_000
        plan = replace(plan, clock=replace(clock, duration_ms=ms, deadline_ms=e.deadline_ms))
    return replace(s, agenda=plan)


@_apply.register
def _(e: ev.NotesRevealed, s: RoomState) -> RoomState:
    return _put_notes(s, [replace(s.notes[nid], revealed=True) for nid in e.nids])


@_apply.register
def _(e: ev.NoteAdded, s: RoomState) -> RoomState:
    note = Note(
        nid=e.nid,
        author=e.author,
        circle=e.circle,
        text=e.text,
        order=s.seq + 1,
        round=s.round,
        meeting=s.meeting,
    )
    return _put_notes(s, [note])


@_apply.register
def _(e: ev.NoteEdited, s: RoomState) -> RoomState:
    return _note(s, e.nid, text=e.text)


@_apply.register
def _(e: ev.NoteDeleted, s: RoomState) -> RoomState:
    state = _note(s, e.nid, deleted=True, text="")
    votes = {pid: nids - {e.nid} for pid, nids in state.votes.items()}
    reading = None if state.reading == e.nid else state.reading
    chosen = None if state.chosen == e.nid else state.chosen
    return replace(state, votes=votes, reading=reading, chosen=chosen)


@_apply.register
def _(e: ev.NoteHidden, s: RoomState) -> RoomState:
    return _note(s, e.nid, hidden=e.hidden)


@_apply.register
def _(e: ev.NoteMerged, s: RoomState) -> RoomState:
    return _note(s, e.nid, merged_into=e.into)


@_apply.register
def _(e: ev.NoteMoved, s: RoomState) -> RoomState:
    # A correction, not progress: whatever moved inward at a follow-up is no longer recorded.
    return _note(s, e.nid, circle=e.circle, inward_meeting=None, inward_ms=None)


@_apply.register
def _(e: ev.NoteMovedInward, s: RoomState) -> RoomState:
    state = _note(s, e.nid, circle=Circle.INNER, inward_meeting=e.meeting, inward_ms=e.at_ms)
    # No longer an outer item: its dots go, and it can no longer be the one chosen.
    votes = {pid: nids - {e.nid} for pid, nids in state.votes.items()}
    chosen = None if state.chosen == e.nid else state.chosen
    return replace(state, votes=votes, chosen=chosen)


@_apply.register
def _(e: ev.ReadingMoved, s: RoomState) -> RoomState:
    return replace(s, reading=e.target)


@_apply.register
def _(e: ev.VotingOpened, s: RoomState) -> RoomState:
    return replace(s, voting=VotingStatus.OPEN, dots=e.dots, votes={})


@_apply.register
def _(e: ev.VoteCast, s: RoomState) -> RoomState:
    mine = s.votes.get(e.pid, frozenset())
    return replace(s, votes=_with(s.votes, e.pid, mine | {e.nid}))


@_apply.register
def _(e: ev.VoteRetracted, s: RoomState) -> RoomState:
    mine = s.votes.get(e.pid, frozenset())
    return replace(s, votes=_with(s.votes, e.pid, mine - {e.nid}))


@_apply.register
def _(e: ev.VotingClosed, s: RoomState) -> RoomState:
    return replace(s, voting=VotingStatus.CLOSED)


@_apply.register
def _(e: ev.ItemChosen, s: RoomState) -> RoomState:
    return replace(s, chosen=e.nid)


@_apply.register
def _(e: ev.PlanModeChanged, s: RoomState) -> RoomState:
    return replace(s, plan_mode=e.mode)


@_apply.register
def _(e: ev.PlanAdded, s: RoomState) -> RoomState:
    plan = Plan(
        e.plan_id,
        e.nid,
        e.what,
        e.who,
        e.when,
        e.author,
        order=s.seq + 1,
        round=s.round,
        meeting=s.meeting,
    )
    return replace(s, plans=_with(s.plans, e.plan_id, plan))


@_apply.register
def _(e: ev.PlanEdited, s: RoomState) -> RoomState:
    plan = replace(s.plans[e.plan_id], what=e.what, who=e.who, when=e.when)
    return replace(s, plans=_with(s.plans, e.plan_id, plan))


@_apply.register
def _(e: ev.PlanRemoved, s: RoomState) -> RoomState:
    reading = None if s.reading == e.plan_id else s.reading
    return replace(s, plans=_without(s.plans, e.plan_id), reading=reading)


@_apply.register
def _(e: ev.PlanStatusChanged, s: RoomState) -> RoomState:
    done = e.at_ms if e.status is PlanStatus.DONE else None
    plan = replace(s.plans[e.plan_id], status=e.status, done_ms=done)
    return replace(s, plans=_with(s.plans, e.plan_id, plan))


@_apply.register
def _(e: ev.FollowUpOpened, s: RoomState) -> RoomState:
    return start_meeting(s, e)


@_apply.register
def _(e: ev.PairChanged, s: RoomState) -> RoomState:
    return _put_person(s, replace(s.participants[e.pid], pair=e.code))


def _put_person(s: RoomState, person: Participant) -> RoomState:
    """`s` with `person` in (new, or replacing who has their pid), the duos numbered to match:
    a duo that loses its last member gives its number up; one that gains its first member
    takes the smallest number no other duo holds."""
    participants = _with(s.participants, person.pid, person)
    before = s.participants.get(person.pid)
    left = before.pair if before is not None else None
    if left == person.pair:
        return replace(s, participants=participants)
    numbers = dict(s.pair_numbers)
    if left is not None and not any(p.pair == left for p in participants.values()):
        numbers.pop(left, None)
    if person.pair is not None and person.pair not in numbers:
        taken = set(numbers.values())
        numbers[person.pair] = next(n for n in range(1, len(taken) + 2) if n not in taken)
    return replace(s, participants=participants, pair_numbers=numbers)


@_apply.register
def _(e: ev.ReflectionSubmitted, s: RoomState) -> RoomState:
    answer = Reflection(useful=e.useful, what=e.what, improve=e.improve)
    return replace(s, reflections=_with(s.reflections, e.pid, answer))


@_apply.register
def _(e: ev.AgreementsChanged, s: RoomState) -> RoomState:
    return replace(s, agreements=e.text)


@_apply.register
def _(e: ev.TimerStarted, s: RoomState) -> RoomState:
    timer = Timer(e.duration_ms, e.deadline_ms, e.duration_ms, e.lock_writing)
    return replace(s, timer=timer)


@_apply.register
def _(e: ev.TimerPaused, s: RoomState) -> RoomState:
    assert s.timer is not None
    return replace(s, timer=replace(s.timer, deadline_ms=None, remaining_ms=e.remaining_ms))


@_apply.register
def _(e: ev.TimerResumed, s: RoomState) -> RoomState:
    assert s.timer is not None
    return replace(s, timer=replace(s.timer, deadline_ms=e.deadline_ms))


@_apply.register
def _(e: ev.TimerExtended, s: RoomState) -> RoomState:
    assert s.timer is not None
    timer = replace(
        s.timer, duration_ms=e.duration_ms, deadline_ms=e.deadline_ms, remaining_ms=e.remaining_ms
    )
    return replace(s, timer=timer)


@_apply.register
def _(e: ev.TimerLockChanged, s: RoomState) -> RoomState:
    assert s.timer is not None
    return replace(s, timer=replace(s.timer, lock_writing=e.lock_writing))


@_apply.register
def _(e: ev.TimerCleared, s: RoomState) -> RoomState:
    return replace(s, timer=None)


@_apply.register
def _(e: ev.ScaleOpened, s: RoomState) -> RoomState:
    previous = s.scale_distribution() if s.scale is ScaleStatus.CLOSED else s.scale_previous
    return replace(
        s,
        scale=ScaleStatus.OPEN,
        scale_answers={},
        scale_previous=previous,
        scale_meeting=s.meeting,
    )


@_apply.register
def _(e: ev.ScaleAnswered, s: RoomState) -> RoomState:
    return replace(s, scale_answers=_with(s.scale_answers, e.pid, e.value))


@_apply.register
def _(e: ev.ScaleClosed, s: RoomState) -> RoomState:
    return replace(s, scale=ScaleStatus.CLOSED)


# -- duo boards ------------------------------------------------------------------------------


def _sheet(state: RoomState, owner: str, **changes: object) -> RoomState:
    sheet = replace(state.sheet_of(owner), **changes)  # type: ignore[arg-type]
    return replace(state, sheets=_with(state.sheets, owner, sheet))


@_apply.register
def _(e: ev.SheetNoteAdded, s: RoomState) -> RoomState:
    note = Note(
        nid=e.nid,
        author=e.author,
        circle=e.circle,
        text=e.text,
        order=s.seq + 1,
        round=s.round,
        meeting=s.meeting,
        sheet=e.sheet,
    )
    sheet = s.sheet_of(e.sheet)
    sheet = replace(sheet, note_ids=(*sheet.note_ids, e.nid))
    return _put_notes(s, [note], sheets=_with(s.sheets, e.sheet, sheet))


@_apply.register
def _(e: ev.ActivityChanged, s: RoomState) -> RoomState:
    return _sheet(s, e.sheet, activity=e.text)


@_apply.register
def _(e: ev.SheetStepChanged, s: RoomState) -> RoomState:
    return _sheet(s, e.sheet, step=e.to)


@_apply.register
def _(e: ev.SheetItemChosen, s: RoomState) -> RoomState:
    return _sheet(s, e.sheet, chosen=e.nid)


@_apply.register
def _(e: ev.SmallStepChanged, s: RoomState) -> RoomState:
    return _sheet(s, e.sheet, small_step=e.text)


@_apply.register
def _(e: ev.TurnChanged, s: RoomState) -> RoomState:
    return replace(s, turns=_with(s.turns, e.pair, e.interviewee))


@_apply.register
def _(e: ev.SheetShared, s: RoomState) -> RoomState:
    return _sheet(s, e.sheet, shared=e.shared)


__all__ = ["apply", "fold"]
