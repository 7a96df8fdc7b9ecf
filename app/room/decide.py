"""Every rule and permission of a room: decide(state, actor, command, now) -> events.

A command is either accepted, giving the events that record it, or refused with Rejected; a
refused command changes nothing (decide never mutates). Time comes in as an argument so the
core stays free of clocks.
"""

from __future__ import annotations

from functools import singledispatch

from app.room import agenda, duo, limits
from app.room import commands as cmd
from app.room import events as ev
from app.room.errors import ErrorCode, Rejected
from app.room.phases import (
    REVEALS_ON_ENTRY,
    TRANSITIONS,
    WRITING_CIRCLE,
)
from app.room.state import (
    Actor,
    Circle,
    Note,
    Part,
    Phase,
    Plan,
    PlanMode,
    Role,
    RoomState,
    ScaleStatus,
    Variant,
    VotingStatus,
)

Events = list[ev.Event]


def decide(state: RoomState, actor: Actor, command: cmd.Command, now_ms: int) -> Events:
    """The events that carry out `command`, or Rejected. Never changes `state`."""
    if isinstance(command, cmd.CreateBoard):
        return _create_board(state, actor, command)
    if not state.created:
        raise Rejected(ErrorCode.UNKNOWN_ROOM)
    if actor.role is Role.SCREEN:
        raise Rejected(ErrorCode.FORBIDDEN, "the shared screen only watches")
    joined = actor.pid is not None and actor.pid in state.participants
    if actor.role is Role.PARTICIPANT and not joined and not isinstance(command, cmd.Join):
        raise Rejected(ErrorCode.NOT_JOINED)
    handler = _HANDLERS.dispatch(type(command))
    return handler(command, state, actor, now_ms)


# -- helpers ---------------------------------------------------------------------------------


def _facilitator_only(actor: Actor) -> None:
    if actor.role is not Role.FACILITATOR:
        raise Rejected(ErrorCode.FORBIDDEN, "only the facilitator may do this")


def _participant_only(actor: Actor) -> str:
    if actor.role is not Role.PARTICIPANT or actor.pid is None:
        raise Rejected(ErrorCode.FORBIDDEN, "only participants may do this")
    return actor.pid


def _text(value: str, maximum: int, *, code: ErrorCode, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise Rejected(
            ErrorCode.NOTE_EMPTY if code is ErrorCode.NOTE_TOO_LONG else ErrorCode.BAD_VALUE,
            "text is empty",
        )
    if len(text) > maximum:
        raise Rejected(code, f"at most {maximum} characters")
    return text


def _an_id(value: str) -> str:
    if not value or len(value) > limits.MAX_ID_LENGTH or not value.isprintable():
        raise Rejected(ErrorCode.BAD_VALUE, "ids are 1 to 64 printable characters")
    return value


def _live_note(state: RoomState, nid: str) -> Note:
    note = state.notes.get(nid)
    if note is None or note.deleted or not state.in_current_round(note):
        # An earlier round's notes are the record: nobody changes them any more.
        raise Rejected(ErrorCode.UNKNOWN_NOTE)
    return note


def _current_plan(state: RoomState, plan_id: str) -> Plan:
    plan = state.plans.get(plan_id)
    if plan is None or not state.in_current_round(plan):
        raise Rejected(ErrorCode.UNKNOWN_PLAN)
    return plan


def _own_note(state: RoomState, actor: Actor, nid: str) -> Note:
    pid = _participant_only(actor)
    note = _live_note(state, nid)
    if note.sheet is not None:
        duo.check_note_change(state, note, pid)
    elif note.author != pid:
        raise Rejected(ErrorCode.NOT_YOUR_NOTE)
    elif note.meeting != state.meeting:
        # The history of a board: what an earlier meeting wrote stays as it was written.
        raise Rejected(ErrorCode.WRONG_PHASE, "a note of an earlier meeting stays as it was")
    return note


def _outer_item(state: RoomState, nid: str) -> Note:
    note = _live_note(state, nid)
    if note.circle is not Circle.OUTER or not note.on_board:
        raise Rejected(ErrorCode.UNKNOWN_NOTE, "not an outer item on the board")
    return note


def _writing_open(state: RoomState, circle: Circle, now_ms: int) -> None:
    if WRITING_CIRCLE.get(state.phase) is not circle:
        raise Rejected(ErrorCode.WRONG_PHASE, f"the {circle.value} circle is not open for writing")
    timer = state.timer
    if timer is not None and timer.lock_writing and timer.expired_at(now_ms):
        raise Rejected(ErrorCode.WRITING_CLOSED, "time is up")


def _seconds(value: int) -> int:
    if not limits.MIN_TIMER_SECONDS <= value <= limits.MAX_TIMER_SECONDS:
        raise Rejected(
            ErrorCode.BAD_VALUE,
            f"between {limits.MIN_TIMER_SECONDS} and {limits.MAX_TIMER_SECONDS} seconds",
        )
    return value


def _pair_code(code: str) -> str:
    code = code.strip().upper()
    if not limits.MIN_PAIR_CODE <= len(code) <= limits.MAX_PAIR_CODE or not code.isalnum():
        raise Rejected(ErrorCode.BAD_VALUE, "a pair code is 3 to 12 letters or digits")
    return code


def _may_change_plan(state: RoomState, actor: Actor, author: str | None) -> None:
    if actor.role is Role.FACILITATOR:
        return
    pid = _participant_only(actor)
    if author is None:
        raise Rejected(ErrorCode.FORBIDDEN, "only the facilitator may change this plan")
    if author == pid:
        return
    mine = state.participants[pid].pair
    theirs = state.participants[author].pair if author in state.participants else None
    if mine is None or mine != theirs:
        raise Rejected(ErrorCode.FORBIDDEN, "only the plan's duo may change it")


# -- handlers, one per command ----------------------------------------------------------------


@singledispatch
def _HANDLERS(command: object, state: RoomState, actor: Actor, now_ms: int) -> Events:
    raise Rejected(ErrorCode.BAD_MESSAGE, f"unknown command {type(command).__name__}")


def _create_board(state: RoomState, actor: Actor, c: cmd.CreateBoard) -> Events:
    _facilitator_only(actor)
    if state.created:
        raise Rejected(ErrorCode.BAD_VALUE, "the board exists already")
    topic = _text(c.topic, limits.MAX_TOPIC_LENGTH, code=ErrorCode.TEXT_TOO_LONG, required=False)
    return [ev.BoardCreated(_an_id(c.room_id), topic, c.variant, c.language, c.anonymous)]


@_HANDLERS.register
def _(c: cmd.Join, s: RoomState, a: Actor, now: int) -> Events:
    if a.role is not Role.PARTICIPANT or a.pid is None:
        raise Rejected(ErrorCode.FORBIDDEN)
    if a.pid in s.participants:
        raise Rejected(ErrorCode.BAD_VALUE, "already joined")
    if len(s.participants) >= limits.MAX_PARTICIPANTS_PER_ROOM:
        raise Rejected(ErrorCode.ROOM_FULL, f"at most {limits.MAX_PARTICIPANTS_PER_ROOM}")
    name = _text(c.name, limits.MAX_NAME_LENGTH, code=ErrorCode.TEXT_TOO_LONG, required=False)
    return [ev.ParticipantJoined(_an_id(a.pid), name, c.token_hash)]


@_HANDLERS.register
def _(c: cmd.Rename, s: RoomState, a: Actor, now: int) -> Events:
    pid = _participant_only(a)
    name = _text(c.name, limits.MAX_NAME_LENGTH, code=ErrorCode.TEXT_TOO_LONG, required=False)
    return [ev.ParticipantRenamed(pid, name)]


@_HANDLERS.register
def _(c: cmd.SetTopic, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    topic = _text(c.topic, limits.MAX_TOPIC_LENGTH, code=ErrorCode.TEXT_TOO_LONG)
    return [ev.TopicChanged(topic)]


@_HANDLERS.register
def _(c: cmd.ChangePhase, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.phase is not c.from_:
        raise Rejected(ErrorCode.PHASE_CONFLICT, f"the room is in {s.phase.value}")
    if (c.from_, c.to) not in TRANSITIONS[s.variant]:
        raise Rejected(ErrorCode.WRONG_PHASE, "one step forward or back at a time")
    if s.variant is Variant.TEAM and c.to is not Phase.TOPIC and not s.topic:
        raise Rejected(ErrorCode.BAD_VALUE, "set a topic first")
    out = _leave_phase(s)
    circle = REVEALS_ON_ENTRY.get(c.to)
    if circle is not None:
        hidden = tuple(
            n.nid
            for n in sorted(s.notes.values(), key=lambda n: n.order)
            if n.circle is circle and not n.revealed and not n.deleted and s.in_current_round(n)
        )
        if hidden:
            out.append(ev.NotesRevealed(circle, hidden))
    out.append(ev.PhaseChanged(c.from_, c.to))
    return out


def _leave_phase(s: RoomState) -> Events:
    """What leaving a phase (or an agenda part) ends: open voting, the timer, the marker."""
    out: Events = []
    if s.voting is VotingStatus.OPEN:
        out.append(ev.VotingClosed())
    if s.timer is not None:
        out.append(ev.TimerCleared())
    if s.reading is not None:
        out.append(ev.ReadingMoved(None))
    return out


@_HANDLERS.register
def _(c: cmd.MovePart, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.agenda.part is not c.from_:
        current = s.agenda.part.value if s.agenda.part is not None else "not started"
        raise Rejected(ErrorCode.PHASE_CONFLICT, f"the meeting is in {current}")
    if c.to not in (agenda.next_part(s.agenda), agenda.previous_part(s)):
        raise Rejected(ErrorCode.WRONG_PHASE, "one part forward or back at a time")
    out = _leave_phase(s)
    number = agenda.starts_a_round(s, c.to)
    if number is not None:
        out.append(ev.RoundStarted(number))
    if c.to is Part.CLOSING and s.phase is not Phase.CLOSING:
        out.append(ev.PhaseChanged(s.phase, Phase.CLOSING))
    ms = agenda.planned_minutes(s.agenda, c.to) * 60_000
    out.append(ev.PartEntered(c.from_, c.to, ms, now + ms))
    return out


@_HANDLERS.register
def _(c: cmd.SetRoundTwo, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if c.included == s.agenda.round_two:
        return []
    if not c.included and (s.round >= 2 or s.agenda.part is Part.ROUND_2):
        raise Rejected(ErrorCode.WRONG_PHASE, "round II has started")
    return [ev.RoundTwoChanged(c.included)]


@_HANDLERS.register
def _(c: cmd.SetPartMinutes, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if not limits.MIN_PART_MINUTES <= c.minutes <= limits.MAX_PART_MINUTES:
        raise Rejected(
            ErrorCode.BAD_VALUE,
            f"between {limits.MIN_PART_MINUTES} and {limits.MAX_PART_MINUTES} minutes",
        )
    if c.minutes == agenda.planned_minutes(s.agenda, c.part):
        return []
    clock = s.agenda.clock
    deadline = None
    if c.part is s.agenda.part and clock is not None and clock.deadline_ms is not None:
        deadline = clock.deadline_ms + (c.minutes * 60_000 - clock.duration_ms)
    return [ev.PartMinutesChanged(c.part, c.minutes, deadline)]


@_HANDLERS.register
def _(c: cmd.AddNote, s: RoomState, a: Actor, now: int) -> Events:
    pid = _participant_only(a)
    nid = _an_id(c.nid)
    _writing_open(s, c.circle, now)
    text = _text(c.text, limits.MAX_NOTE_LENGTH, code=ErrorCode.NOTE_TOO_LONG)
    if nid in s.notes or nid in s.plans:
        # Plans share the id space of notes: the "now reading" marker points at either.
        raise Rejected(ErrorCode.NOTE_EXISTS)
    if s.live_notes_in_meeting(pid) >= limits.MAX_NOTES_PER_PARTICIPANT:
        raise Rejected(
            ErrorCode.TOO_MANY_NOTES, f"at most {limits.MAX_NOTES_PER_PARTICIPANT} a meeting"
        )
    return [ev.NoteAdded(nid, pid, c.circle, text)]


@_HANDLERS.register
def _(c: cmd.EditNote, s: RoomState, a: Actor, now: int) -> Events:
    note = _own_note(s, a, c.nid)
    if WRITING_CIRCLE.get(s.phase) is note.circle:
        _writing_open(s, note.circle, now)
    text = _text(c.text, limits.MAX_NOTE_LENGTH, code=ErrorCode.NOTE_TOO_LONG)
    return [ev.NoteEdited(note.nid, text)]


@_HANDLERS.register
def _(c: cmd.DeleteNote, s: RoomState, a: Actor, now: int) -> Events:
    note = _own_note(s, a, c.nid)
    # The deletion first: what follows it must not carry the deleted text again.
    return [ev.NoteDeleted(note.nid), *duo.on_delete(s, note)]


@_HANDLERS.register
def _(c: cmd.HideNote, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    note = _live_note(s, c.nid)
    if not note.revealed:
        raise Rejected(ErrorCode.UNKNOWN_NOTE, "not revealed yet")
    if note.hidden == c.hidden:
        return []
    out: Events = [ev.NoteHidden(note.nid, c.hidden)]
    if c.hidden and s.reading == note.nid:
        out.append(ev.ReadingMoved(None))
    return out


@_HANDLERS.register
def _(c: cmd.MergeNote, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    note = _live_note(s, c.nid)
    target = _live_note(s, c.into)
    if not note.on_board or not target.on_board or note.nid == target.nid:
        raise Rejected(ErrorCode.UNKNOWN_NOTE, "merge two different notes on the board")
    out: Events = [ev.NoteMerged(note.nid, target.nid)]
    # Notes merged into this one follow it, so a merge never leaves a chain behind. Tombstones
    # stay where they are: a merge must not send a deleted note back to the viewers.
    out += [
        ev.NoteMerged(n.nid, target.nid)
        for n in s.notes.values()
        if n.merged_into == note.nid and n.live
    ]
    if s.reading == note.nid:
        out.append(ev.ReadingMoved(target.nid))
    return out


@_HANDLERS.register
def _(c: cmd.UnmergeNote, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    note = _live_note(s, c.nid)
    if note.merged_into is None:
        raise Rejected(ErrorCode.UNKNOWN_NOTE, "that note is not merged")
    return [ev.NoteMerged(note.nid, None)]


@_HANDLERS.register
def _(c: cmd.MoveNote, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    note = _live_note(s, c.nid)
    if not note.revealed:
        raise Rejected(ErrorCode.UNKNOWN_NOTE, "not revealed yet")
    if note.circle is c.circle:
        return []
    return [ev.NoteMoved(note.nid, c.circle)]


@_HANDLERS.register
def _(c: cmd.MoveInward, s: RoomState, a: Actor, now: int) -> Events:
    # Not MoveNote: that one fixes a misplaced note; this records progress, with its date.
    _facilitator_only(a)
    if s.meeting < 2:
        raise Rejected(ErrorCode.WRONG_PHASE, "items move inward at a follow-up meeting")
    note = _live_note(s, c.nid)
    if note.circle is not Circle.OUTER or not note.on_board or note.meeting >= s.meeting:
        raise Rejected(ErrorCode.UNKNOWN_NOTE, "not an outer item from an earlier meeting")
    return [ev.NoteMovedInward(note.nid, s.meeting, now)]


@_HANDLERS.register
def _(c: cmd.ShowItem, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if c.target is not None:
        note = s.notes.get(c.target)
        plan = s.plans.get(c.target)
        shown = note is not None and note.on_board and s.in_current_round(note)
        if not shown and (plan is None or not s.in_current_round(plan)):
            raise Rejected(ErrorCode.UNKNOWN_NOTE, "nothing on the board by that id")
    if c.target == s.reading:
        return []
    return [ev.ReadingMoved(c.target)]


@_HANDLERS.register
def _(c: cmd.OpenVoting, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.phase is not Phase.STEP_FORWARD:
        raise Rejected(ErrorCode.WRONG_PHASE, "voting belongs to the step forward")
    if not 1 <= c.dots <= limits.MAX_DOTS_PER_PARTICIPANT:
        raise Rejected(ErrorCode.BAD_VALUE, f"1 to {limits.MAX_DOTS_PER_PARTICIPANT} dots")
    return [ev.VotingOpened(c.dots)]


@_HANDLERS.register
def _(c: cmd.CastVote, s: RoomState, a: Actor, now: int) -> Events:
    pid = _participant_only(a)
    if s.voting is not VotingStatus.OPEN:
        raise Rejected(ErrorCode.VOTING_CLOSED)
    _outer_item(s, c.nid)
    mine = s.votes.get(pid, frozenset())
    if c.nid in mine:
        raise Rejected(ErrorCode.ALREADY_VOTED)
    if len(mine) >= s.dots:
        raise Rejected(ErrorCode.NO_DOTS_LEFT)
    return [ev.VoteCast(pid, c.nid)]


@_HANDLERS.register
def _(c: cmd.RetractVote, s: RoomState, a: Actor, now: int) -> Events:
    pid = _participant_only(a)
    if s.voting is not VotingStatus.OPEN:
        raise Rejected(ErrorCode.VOTING_CLOSED)
    if c.nid not in s.votes.get(pid, frozenset()):
        raise Rejected(ErrorCode.NOT_VOTED)
    return [ev.VoteRetracted(pid, c.nid)]


@_HANDLERS.register
def _(c: cmd.CloseVoting, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.voting is not VotingStatus.OPEN:
        raise Rejected(ErrorCode.VOTING_CLOSED)
    return [ev.VotingClosed()]


@_HANDLERS.register
def _(c: cmd.ChooseItem, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.phase is not Phase.STEP_FORWARD:
        raise Rejected(ErrorCode.WRONG_PHASE)
    if s.voting is VotingStatus.OPEN:
        raise Rejected(ErrorCode.WRONG_PHASE, "close the voting first")
    if c.nid is not None:
        _outer_item(s, c.nid)
    return [ev.ItemChosen(c.nid)]


@_HANDLERS.register
def _(c: cmd.SetPlanMode, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    return [] if s.plan_mode is c.mode else [ev.PlanModeChanged(c.mode)]


def _plan_fields(what: str, who: str, when: str) -> tuple[str, str, str]:
    m = limits.MAX_PLAN_FIELD_LENGTH
    return (
        _text(what, m, code=ErrorCode.TEXT_TOO_LONG),
        _text(who, m, code=ErrorCode.TEXT_TOO_LONG, required=False),
        _text(when, m, code=ErrorCode.TEXT_TOO_LONG, required=False),
    )


@_HANDLERS.register
def _(c: cmd.AddPlan, s: RoomState, a: Actor, now: int) -> Events:
    if s.phase not in (Phase.STEP_FORWARD, Phase.CLOSING):
        raise Rejected(ErrorCode.WRONG_PHASE)
    if a.role is not Role.FACILITATOR:
        _participant_only(a)
        if s.plan_mode is not PlanMode.GROUPS:
            raise Rejected(ErrorCode.FORBIDDEN, "the facilitator writes the team's plan")
    plan_id = _an_id(c.plan_id)
    if plan_id in s.plans or plan_id in s.notes:
        raise Rejected(ErrorCode.PLAN_EXISTS)
    if len(s.plans) >= limits.MAX_PLANS_PER_ROOM:
        raise Rejected(ErrorCode.TOO_MANY_PLANS, f"at most {limits.MAX_PLANS_PER_ROOM}")
    _outer_item(s, c.nid)
    what, who, when = _plan_fields(c.what, c.who, c.when)
    return [ev.PlanAdded(plan_id, c.nid, what, who, when, a.pid)]


@_HANDLERS.register
def _(c: cmd.EditPlan, s: RoomState, a: Actor, now: int) -> Events:
    plan = _current_plan(s, c.plan_id)
    _may_change_plan(s, a, plan.author)
    what, who, when = _plan_fields(c.what, c.who, c.when)
    return [ev.PlanEdited(plan.plan_id, what, who, when)]


@_HANDLERS.register
def _(c: cmd.RemovePlan, s: RoomState, a: Actor, now: int) -> Events:
    plan = _current_plan(s, c.plan_id)
    _may_change_plan(s, a, plan.author)
    return [ev.PlanRemoved(plan.plan_id)]


@_HANDLERS.register
def _(c: cmd.SetPlanStatus, s: RoomState, a: Actor, now: int) -> Events:
    plan = _current_plan(s, c.plan_id)  # round I's steps are the record while round II runs
    _may_change_plan(s, a, plan.author)
    if plan.status is c.status:
        return []
    return [ev.PlanStatusChanged(plan.plan_id, c.status, now)]


@_HANDLERS.register
def _(c: cmd.OpenFollowUp, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if c.meeting != s.meeting + 1:
        # A double tap or a second screen must not open two meetings.
        raise Rejected(ErrorCode.PHASE_CONFLICT, f"meeting {s.meeting} is the latest")
    if c.meeting > limits.MAX_MEETINGS_PER_BOARD:
        raise Rejected(ErrorCode.BAD_VALUE, f"at most {limits.MAX_MEETINGS_PER_BOARD} meetings")
    if s.variant is Variant.DUO:
        # A duo's sheets are personal and end with the meeting; a team board carries on.
        raise Rejected(ErrorCode.WRONG_PHASE, "follow-up meetings are for team boards")
    if s.phase not in (Phase.STEP_FORWARD, Phase.CLOSING):
        # By then every note of the meeting has been revealed: earlier notes are never hidden.
        raise Rejected(ErrorCode.WRONG_PHASE, "a follow-up comes after the step forward")
    return [ev.FollowUpOpened(c.meeting, now)]


def _pair_changed(s: RoomState, pid: str, code: str | None) -> ev.PairChanged:
    """`pid` enters duo `code` (None: no duo), leaving the one they were in, if another."""
    before = s.participants[pid].pair
    return ev.PairChanged(pid, code, left=before if before != code else None)


@_HANDLERS.register
def _(c: cmd.StartPair, s: RoomState, a: Actor, now: int) -> Events:
    pid = _participant_only(a)
    code = _pair_code(c.code)
    if s.pair_members(code):
        raise Rejected(ErrorCode.BAD_VALUE, "that pair code is taken")
    return [_pair_changed(s, pid, code)]


@_HANDLERS.register
def _(c: cmd.JoinPair, s: RoomState, a: Actor, now: int) -> Events:
    pid = _participant_only(a)
    code = _pair_code(c.code)
    members = [m for m in s.pair_members(code) if m != pid]
    if len(members) > 1:
        raise Rejected(ErrorCode.PAIR_FULL, "that duo is complete")
    if not members:
        raise Rejected(ErrorCode.UNKNOWN_PAIR, "no duo waits under that code")
    return [_pair_changed(s, pid, code)]


@_HANDLERS.register
def _(c: cmd.LeavePair, s: RoomState, a: Actor, now: int) -> Events:
    pid = _participant_only(a)
    return [] if s.participants[pid].pair is None else [_pair_changed(s, pid, None)]


@_HANDLERS.register
def _(c: cmd.PairUp, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    code = _pair_code(c.code)
    if c.first == c.second or not {c.first, c.second} <= s.participants.keys():
        raise Rejected(ErrorCode.BAD_VALUE, "two different participants")
    if set(s.pair_members(code)) - {c.first, c.second}:
        raise Rejected(ErrorCode.BAD_VALUE, "that pair code is taken")
    return [_pair_changed(s, c.first, code), _pair_changed(s, c.second, code)]


@_HANDLERS.register
def _(c: cmd.SubmitReflection, s: RoomState, a: Actor, now: int) -> Events:
    pid = _participant_only(a)
    if s.phase is not Phase.CLOSING:
        raise Rejected(ErrorCode.WRONG_PHASE)
    m = limits.MAX_REFLECTION_LENGTH
    what = _text(c.what, m, code=ErrorCode.TEXT_TOO_LONG, required=False)
    improve = _text(c.improve, m, code=ErrorCode.TEXT_TOO_LONG, required=False)
    return [ev.ReflectionSubmitted(pid, c.useful, what, improve)]


@_HANDLERS.register
def _(c: cmd.SetAgreements, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    text = _text(c.text, limits.MAX_AGREEMENTS_LENGTH, code=ErrorCode.TEXT_TOO_LONG, required=False)
    return [ev.AgreementsChanged(text)]


@_HANDLERS.register
def _(c: cmd.StartTimer, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    ms = _seconds(c.seconds) * 1000
    return [ev.TimerStarted(ms, now + ms, c.lock_writing)]


@_HANDLERS.register
def _(c: cmd.PauseTimer, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.timer is None or s.timer.deadline_ms is None:
        raise Rejected(ErrorCode.NO_TIMER, "no running timer")
    return [ev.TimerPaused(s.timer.remaining_at(now))]


@_HANDLERS.register
def _(c: cmd.ResumeTimer, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.timer is None or s.timer.deadline_ms is not None:
        raise Rejected(ErrorCode.NO_TIMER, "no paused timer")
    return [ev.TimerResumed(now + s.timer.remaining_ms)]


@_HANDLERS.register
def _(c: cmd.ExtendTimer, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.timer is None:
        raise Rejected(ErrorCode.NO_TIMER)
    extra = _seconds(c.seconds) * 1000
    timer = s.timer
    if timer.duration_ms + extra > limits.MAX_TIMER_SECONDS * 1000:
        raise Rejected(ErrorCode.BAD_VALUE, f"at most {limits.MAX_TIMER_SECONDS} seconds in all")
    if timer.deadline_ms is None:
        return [ev.TimerExtended(timer.duration_ms + extra, None, timer.remaining_ms + extra)]
    deadline = max(timer.deadline_ms, now) + extra
    return [ev.TimerExtended(timer.duration_ms + extra, deadline, deadline - now)]


@_HANDLERS.register
def _(c: cmd.SetTimerLock, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.timer is None:
        raise Rejected(ErrorCode.NO_TIMER)
    if s.timer.lock_writing == c.lock_writing:
        return []
    return [ev.TimerLockChanged(c.lock_writing)]


@_HANDLERS.register
def _(c: cmd.ClearTimer, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.timer is None:
        raise Rejected(ErrorCode.NO_TIMER)
    return [ev.TimerCleared()]


@_HANDLERS.register
def _(c: cmd.OpenScale, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.scale is ScaleStatus.OPEN:
        raise Rejected(ErrorCode.WRONG_PHASE, "the scale question is open already")
    return [ev.ScaleOpened()]


@_HANDLERS.register
def _(c: cmd.AnswerScale, s: RoomState, a: Actor, now: int) -> Events:
    pid = _participant_only(a)
    if s.scale is not ScaleStatus.OPEN:
        raise Rejected(ErrorCode.WRONG_PHASE, "the scale question is not open")
    if not limits.SCALE_MIN <= c.value <= limits.SCALE_MAX:
        raise Rejected(ErrorCode.BAD_VALUE, f"{limits.SCALE_MIN} to {limits.SCALE_MAX}")
    return [ev.ScaleAnswered(pid, c.value)]


@_HANDLERS.register
def _(c: cmd.CloseScale, s: RoomState, a: Actor, now: int) -> Events:
    _facilitator_only(a)
    if s.scale is not ScaleStatus.OPEN:
        raise Rejected(ErrorCode.WRONG_PHASE, "the scale question is not open")
    return [ev.ScaleClosed()]


for _command, _handler in duo.HANDLERS:
    _HANDLERS.register(_command, _handler)
