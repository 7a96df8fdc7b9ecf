"""All visibility, in one place: what each viewer may see of a room.

Theory of operation
-------------------
There are three audiences: the facilitator (`pid=None`), who also gets the names on an
anonymous board and the reflections' texts; a read-only screen (`ROOM_VIEWER`, `""`), which
sees what any participant sees of the room; and a participant (`pid`), who sees that plus their
own hidden notes, dots and answers (`me`). Before its circle is revealed, a note's text, length
and timestamps exist only in its author's messages; everyone else learns just how many notes
each circle holds. After the reveal a note looks the same to everyone, so it is encoded once for
the whole room. Votes are anonymous on every board: the room sees a tally after voting closes,
each participant sees only their own dots. On an anonymous board no author name is ever
rendered.

On a duo board every interviewee's sheet (activity, notes, chosen item, small step) goes only
to the readers duo.may_see_sheet() allows: the owner and their duo partner, or everyone once the
owner shares it; sheet notes never appear in `notes` or `counts`. Everyone, the facilitator and
the screens included, gets the duos' progress (duo_views.py), which carries no words and no names.

`render(state, event)` gives a Delivery: the operations everyone gets, per-participant
overrides where a participant must see more (their own hidden notes, their own dots), and the
facilitator's own where the facilitator sees more (names on an anonymous board, a reflection's
texts). Events that reshape the room (phase changes, reopened voting) ask each viewer to take a
fresh snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache, singledispatch
from typing import Any

from app.room import agenda, duo, duo_views
from app.room import events as ev
from app.room.frozen import replace
from app.room.state import (
    Note,
    Participant,
    Plan,
    Reflection,
    RoomState,
    ScaleStatus,
    Timer,
    Variant,
    VotingStatus,
)

View = dict[str, Any]
Op = dict[str, Any]

ROOM_VIEWER = ""
"""The audience key of a read-only screen: it sees what any participant sees of the room (never
the facilitator's extras, since anyone with the join code may open one). The facilitator is
`None`; a participant is their pid."""

SNAPSHOT_OP: Op = {"op": "snapshot"}


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one event looks like to each viewer."""

    everyone: list[Op]
    personal: Mapping[str, list[Op]] = field(default_factory=dict)
    board: list[Op] | None = None  # for the facilitator, when the facilitator sees more

    @property
    def needs_snapshot(self) -> bool:
        return self.everyone == [SNAPSHOT_OP]

    def for_viewer(self, pid: str | None) -> list[Op]:
        if pid is None:
            return self.everyone if self.board is None else self.board
        mine = self.personal.get(pid)
        return self.everyone if mine is None else mine


SNAPSHOT = Delivery([SNAPSHOT_OP])


# -- views of the parts ----------------------------------------------------------------------


def author_name(state: RoomState, note_or_plan: Note | Plan) -> str | None:
    if state.anonymous:
        return None
    author = note_or_plan.author
    person = state.participants.get(author) if author is not None else None
    return person.name if person is not None and person.name else None


def note_view(state: RoomState, note: Note) -> View:
    """A note as the pages see it. Fields at their default are left out (no author, not hidden,
    not merged, not moved inward): most notes have them, and a board of 500 notes is a fifth
    smaller without them. A note is always sent whole, so a missing field is its default."""
    view: View = {
        "id": note.nid,
        "circle": note.circle.value,
        "text": note.text,
        "revealed": note.revealed,
        "order": note.order,
        "meeting": note.meeting,
    }
    author = author_name(state, note) if note.revealed else None
    if author is not None:
        view["author"] = author
    if note.hidden:
        view["hidden"] = True
    if note.merged_into is not None:
        view["merged_into"] = note.merged_into
    if note.inward_meeting is not None:
        view["inward"] = {"meeting": note.inward_meeting, "at_ms": note.inward_ms}
    return view


def may_see(note: Note, pid: str | None) -> bool:
    """The one visibility rule for notes (a duo sheet's notes travel inside their sheet)."""
    if note.deleted or note.sheet is not None:
        return False
    return note.revealed or (pid is not None and note.author == pid)


def plan_view(state: RoomState, plan: Plan) -> View:
    author = state.participants.get(plan.author) if plan.author is not None else None
    return {
        "id": plan.plan_id,
        "note": plan.nid,
        "what": plan.what,
        "who": plan.who,
        "when": plan.when,
        "author": author_name(state, plan),
        # A duo's code would tie the plan to the two names in the participant list.
        "pair": author.pair if author is not None and not state.anonymous else None,
        "order": plan.order,
        "meeting": plan.meeting,
        "status": plan.status.value,
        "done_ms": plan.done_ms,
    }


def timer_view(timer: Timer | None) -> View | None:
    if timer is None:
        return None
    return {
        "duration_ms": timer.duration_ms,
        "deadline_ms": timer.deadline_ms,
        "remaining_ms": timer.remaining_ms,
        "running": timer.deadline_ms is not None,
        "lock_writing": timer.lock_writing,
    }


def agenda_view(state: RoomState) -> View:
    """The meeting's agenda: every part with its planned minutes, the current part and its
    countdown (shaped like the phase timer)."""
    plan = state.agenda
    return {
        "part": plan.part.value if plan.part is not None else None,
        "round_two": plan.round_two,
        "parts": [
            {
                "part": part.value,
                "minutes": agenda.planned_minutes(plan, part),
                "included": agenda.included(plan, part),
            }
            for part in agenda.ORDER
        ],
        "clock": timer_view(plan.clock),
    }


def counts_view(state: RoomState) -> View:
    return {circle.value: n for circle, n in state.counts().items()}


def writers_view(state: RoomState) -> View:
    return {circle.value: n for circle, n in state.writer_counts().items()}


def counts_op(state: RoomState) -> Op:
    """The notes per circle and how many people wrote them, after a note came or went."""
    return {"op": "counts", "counts": counts_view(state), "writers": writers_view(state)}


def voting_view(state: RoomState) -> View:
    view: View = {
        "status": state.voting.value,
        "dots": state.dots,
        "cast": sum(len(v) for v in state.votes.values()),
        "voters": sum(1 for v in state.votes.values() if v),
        "tally": None,
    }
    if state.voting is VotingStatus.CLOSED:
        view["tally"] = state.tally()
    return view


def scale_view(state: RoomState) -> View:
    closed = state.scale is ScaleStatus.CLOSED
    previous = state.scale_previous
    return {
        "status": state.scale.value,
        "answered": len(state.scale_answers),
        "distribution": list(state.scale_distribution()) if closed else None,
        "previous": list(previous) if previous is not None else None,
        "meeting": state.scale_meeting,
    }


def reflections_view(state: RoomState, *, for_board: bool = True) -> View:
    """How useful the meeting was: the counts for everyone; the answers' texts (anonymous) only
    for the facilitator, who reads them out and takes them into the summary. A participant
    sees their own answer in `me`; the shared screen shows the counts."""
    summary = {"yes": 0, "partly": 0, "no": 0}
    items = []
    for key, answer in enumerate(state.reflections.values()):
        summary[answer.useful.value] += 1
        if for_board and (item := _reflection_item(key, answer)) is not None:
            items.append(item)
    return {"summary": summary, "items": items}


def _reflection_item(key: int, answer: Reflection) -> View | None:
    """One answer with words, as the facilitator gets it: keyed by when it first came (the
    order the list has anyway), never by who wrote it; None for an answer without words."""
    if not (answer.what or answer.improve):
        return None
    return {
        "key": key,
        "useful": answer.useful.value,
        "what": answer.what,
        "improve": answer.improve,
    }


def people_view(state: RoomState, *, for_board: bool = True) -> list[View]:
    """Who is in the room, in the order they joined."""
    return [person_view(state, p, for_board=for_board) for p in state.participants.values()]


def person_view(state: RoomState, person: Participant, *, for_board: bool = True) -> View:
    """One entry of the participant list. On an anonymous board only the facilitator's screen
    gets the names (to make duos); a participant learns just their own duo partner's name, from
    `me`."""
    hide = state.anonymous and not for_board
    return _person(person.pid, "" if hide else person.name, person.pair)


@lru_cache(maxsize=8192)
def _person(pid: str, name: str, pair: str | None) -> View:
    """One entry of a participant list, shared by every list and operation that shows the same
    person (a snapshot's list, the replay buffer's operations). Views are never changed once
    made (they are only encoded).
    """
    return {"id": pid, "name": name, "pair": pair}


def forget_people() -> None:
    """Drop the shared participant entries (a deleted board's names leave memory too)."""
    _person.cache_clear()


def me_view(state: RoomState, pid: str) -> View | None:
    person = state.participants.get(pid)
    if person is None:
        return None
    reflection = state.reflections.get(pid)
    editors = state.may_edit_plans_of(pid)
    return {
        "id": pid,
        "name": person.name,
        "pair": person.pair,
        "partners": [
            {"id": other, "name": state.participants[other].name}
            for other in sorted(editors - {pid})
        ],
        "notes": [
            n.nid
            for n in state.notes_of(pid)
            if n.live
            and n.sheet is None
            and state.in_current_round(n)
            and n.meeting == state.meeting
        ],
        "plans": [
            p.plan_id
            for p in state.plans.values()
            if p.author in editors and state.in_current_round(p)
        ],
        "votes": sorted(state.votes.get(pid, frozenset())),
        "reflection": None
        if reflection is None
        else {
            "useful": reflection.useful.value,
            "what": reflection.what,
            "improve": reflection.improve,
        },
        "scale": state.scale_answers.get(pid),
    }


def board_fields(state: RoomState) -> View:
    return {
        "room": state.room_id,
        "topic": state.topic,
        "variant": state.variant.value,
        "language": state.language.value,
        "anonymous": state.anonymous,
        "phase": state.phase.value,
        "reading": state.reading,
        "chosen": state.chosen,
        "plan_mode": state.plan_mode.value,
        "agreements": state.agreements,
        "timer": timer_view(state.timer),
        "meeting": state.meeting,
        "follow_ups": list(state.follow_ups),
        "round": state.round,
        "agenda": agenda_view(state),
    }


def snapshot_for(state: RoomState, pid: str | None) -> View:
    """Everything this viewer may see of the room, as one value."""
    board = board_snapshot(state)
    return board if pid is None else extend_for(board, state, pid)


def extend_for(board: View, state: RoomState, pid: str) -> View:
    """A participant's snapshot from the board's: plus their own hidden notes, plus `me`.

    The board's snapshot is the same for every viewer of a room version, so it is built once
    and each participant adds only what is theirs.
    """
    own = [
        note_view(state, n)
        for n in state.notes_of(pid)
        if may_see(n, pid) and not may_see(n, None) and state.in_current_round(n)
    ]
    notes = board["notes"] if not own else sorted([*board["notes"], *own], key=_order)
    extended = {**board, "notes": notes, "me": me_view(state, pid) if pid else None}
    if state.sheets:
        extended["sheets"] = duo_views.sheets_view(state, pid)
    if state.anonymous:
        extended["participants"] = people_view(state, for_board=False)
    if state.reflections:
        extended["reflections"] = reflections_view(state, for_board=False)
    return extended


def _order(view: View) -> int:
    order: int = view["order"]
    return order


def board_snapshot(state: RoomState, notes: list[View] | None = None) -> View:
    """What the facilitator sees: the room as everyone may see it, with the names on an
    anonymous board and the reflections' texts. A screen's and a participant's snapshots are
    made from it (`extend_for`).

    `notes`: the "notes" of an earlier snapshot of this room, when nothing they show changed
    since (the caller knows; a participant joining changes no note).
    """
    if notes is None:
        shown = sorted(
            (n for n in state.notes.values() if may_see(n, None) and state.in_current_round(n)),
            key=lambda n: n.order,
        )
        notes = [note_view(state, n) for n in shown]
    plans = sorted(
        (p for p in state.plans.values() if state.in_current_round(p)), key=lambda p: p.order
    )
    return {
        **board_fields(state),
        "counts": counts_view(state),
        "writers": writers_view(state),
        "notes": notes,
        "participants": people_view(state),
        "voting": voting_view(state),
        "plans": [plan_view(state, p) for p in plans],
        "reflections": reflections_view(state),
        "scale": scale_view(state),
        "duos": duo_views.duos_view(state),
        "sheets": duo_views.sheets_view(state, None),
        "me": None,
    }


# -- events as operations --------------------------------------------------------------------


def _board(state: RoomState, *names: str) -> Op:
    fields = board_fields(state)
    return {"op": "board", **{name: fields[name] for name in names}}


def _me(state: RoomState, pid: str) -> Op:
    return {"op": "me", "me": me_view(state, pid)}


def _personal(state: RoomState, pid: str, everyone: list[Op], *extra: Op) -> Delivery:
    return Delivery(everyone, {pid: [*extra, *everyone, _me(state, pid)]})


def _duo(state: RoomState, pids: frozenset[str], everyone: list[Op]) -> Delivery:
    """Everyone's ops, and for each member of a duo their own `me` as well."""
    return Delivery(
        everyone, {pid: [*everyone, _me(state, pid)] for pid in pids if pid in state.participants}
    )


def render(state: RoomState, event: ev.Event) -> Delivery:
    """How `event` (already applied to `state`) reaches each viewer."""
    return _render(event, state)


@singledispatch
def _render(event: object, state: RoomState) -> Delivery:  # pragma: no cover - exhaustive below
    raise TypeError(f"unknown event {event!r}")


def _snapshot(event: object, state: RoomState) -> Delivery:
    return SNAPSHOT


_kind: type
for _kind in (
    ev.BoardCreated,
    ev.PhaseChanged,
    ev.PartEntered,
    ev.RoundStarted,
    ev.VotingOpened,
    ev.ScaleOpened,
    ev.FollowUpOpened,
):
    _render.register(_kind, _snapshot)


def _agenda(e: object, state: RoomState) -> Delivery:
    return Delivery([_board(state, "agenda")])


for _kind in (ev.RoundTwoChanged, ev.PartMinutesChanged):
    _render.register(_kind, _agenda)


def _people(
    e: ev.ParticipantJoined | ev.ParticipantRenamed | ev.PairChanged, state: RoomState
) -> Delivery:
    # Only the one who changed: a wave of 300 joins would otherwise send each phone the growing
    # list 300 times (2.4 MB each).
    person = state.participants[e.pid]
    everyone: list[Op] = [
        {"op": "participant", "person": person_view(state, person, for_board=False)}
    ]
    board: list[Op] | None = None
    if state.anonymous:
        board = [{"op": "participant", "person": person_view(state, person)}]
    if isinstance(e, ev.ParticipantRenamed) and not state.anonymous:
        everyone += [
            {"op": "note", "note": note_view(state, n)}
            for n in state.notes_of(e.pid)
            if may_see(n, None) and state.in_current_round(n)
        ]
    # A plan shows its author's name and duo, so it changes with them.
    named = isinstance(e, ev.ParticipantRenamed) and not state.anonymous
    if named or isinstance(e, ev.PairChanged):
        everyone += [
            {"op": "plan", "plan": plan_view(state, p)}
            for p in state.plans.values()
            if p.author == e.pid and state.in_current_round(p)
        ]
    # A duo partner sees the other's name and may change their plans: whoever's duo changed
    # (a partner left behind sits alone in a duo of one) gets their own `me` again.
    affected = state.may_edit_plans_of(e.pid)
    if isinstance(e, ev.PairChanged) and e.left is not None:
        affected |= frozenset(state.pair_members(e.left))
    delivery = replace(_duo(state, affected, everyone), board=board)
    if isinstance(e, ev.PairChanged) and state.variant is Variant.DUO:
        return _pairs_changed(state, e, delivery, affected)
    return delivery


for _kind in (ev.ParticipantJoined, ev.ParticipantRenamed, ev.PairChanged):
    _render.register(_kind, _people)


@_render.register
def _(e: ev.TopicChanged, state: RoomState) -> Delivery:
    return Delivery([_board(state, "topic")])


@_render.register
def _(e: ev.NotesRevealed, state: RoomState) -> Delivery:
    return Delivery([{"op": "note", "note": note_view(state, state.notes[n])} for n in e.nids])


@_render.register
def _(e: ev.NoteAdded, state: RoomState) -> Delivery:
    note = {"op": "note", "note": note_view(state, state.notes[e.nid])}
    return _personal(state, e.author, [counts_op(state)], note)


@_render.register
def _(e: ev.NoteEdited, state: RoomState) -> Delivery:
    note = state.notes[e.nid]
    if note.sheet is not None:
        return _sheet_changed(state, note.sheet)
    op = {"op": "note", "note": note_view(state, note)}
    if note.revealed:
        return Delivery([op])
    return Delivery([], {note.author: [op]})


@_render.register
def _(e: ev.NoteDeleted, state: RoomState) -> Delivery:
    note = state.notes[e.nid]
    if note.sheet is not None:
        return _sheet_changed(state, note.sheet)
    if note.revealed:
        return SNAPSHOT
    removed = {"op": "note_removed", "id": e.nid}
    return _personal(state, note.author, [counts_op(state)], removed)


def _note_changed(
    e: ev.NoteHidden | ev.NoteMoved | ev.NoteMerged | ev.NoteMovedInward, state: RoomState
) -> Delivery:
    ops: list[Op] = [{"op": "note", "note": note_view(state, state.notes[e.nid])}]
    if isinstance(e, ev.NoteMoved | ev.NoteMovedInward):
        ops.append(counts_op(state))
    if state.voting is not VotingStatus.NOT_STARTED:
        ops.append({"op": "voting", "voting": voting_view(state)})
    return Delivery([*ops, _board(state, "reading", "chosen")])


for _kind in (ev.NoteHidden, ev.NoteMoved, ev.NoteMerged):
    _render.register(_kind, _note_changed)


@_render.register
def _(e: ev.NoteMovedInward, state: RoomState) -> Delivery:
    everyone = _note_changed(e, state).everyone
    if state.voting is VotingStatus.NOT_STARTED:
        return Delivery(everyone)
    # Its dots went with it: each participant's own dots change too.
    return Delivery(everyone, {pid: [*everyone, _me(state, pid)] for pid in state.participants})


@_render.register
def _(e: ev.ReadingMoved, state: RoomState) -> Delivery:
    return Delivery([_board(state, "reading")])


def _vote(e: ev.VoteCast | ev.VoteRetracted, state: RoomState) -> Delivery:
    return _personal(state, e.pid, [{"op": "voting", "voting": voting_view(state)}])


for _kind in (ev.VoteCast, ev.VoteRetracted):
    _render.register(_kind, _vote)


@_render.register
def _(e: ev.VotingClosed, state: RoomState) -> Delivery:
    return Delivery([{"op": "voting", "voting": voting_view(state)}])


@_render.register
def _(e: ev.ItemChosen, state: RoomState) -> Delivery:
    return Delivery([_board(state, "chosen")])


@_render.register
def _(e: ev.PlanModeChanged, state: RoomState) -> Delivery:
    return Delivery([_board(state, "plan_mode")])


@_render.register
def _(e: ev.PlanAdded, state: RoomState) -> Delivery:
    everyone: list[Op] = [{"op": "plan", "plan": plan_view(state, state.plans[e.plan_id])}]
    if e.author is None:
        return Delivery(everyone)
    return _duo(state, state.may_edit_plans_of(e.author), everyone)


@_render.register
def _(e: ev.PlanEdited, state: RoomState) -> Delivery:
    return Delivery([{"op": "plan", "plan": plan_view(state, state.plans[e.plan_id])}])


@_render.register
def _(e: ev.PlanStatusChanged, state: RoomState) -> Delivery:
    return Delivery([{"op": "plan", "plan": plan_view(state, state.plans[e.plan_id])}])


@_render.register
def _(e: ev.PlanRemoved, state: RoomState) -> Delivery:
    everyone: list[Op] = [{"op": "plan_removed", "id": e.plan_id}, _board(state, "reading")]
    # The plan is gone from `state`, and with it who wrote it: every participant gets their own
    # `me` again, so the author's list of plans does not keep the removed one.
    return Delivery(everyone, {pid: [*everyone, _me(state, pid)] for pid in state.participants})


@_render.register
def _(e: ev.ReflectionSubmitted, state: RoomState) -> Delivery:
    # The texts go to the facilitator alone: sent to every phone, each answer would carry all
    # the earlier ones again.
    counts = reflections_view(state, for_board=False)
    everyone = [{"op": "reflections", "reflections": counts}]
    # The facilitator gets this one answer, not all of them again: n answers would otherwise
    # send the laptop n²/2 of them.
    key = list(state.reflections).index(e.pid)
    item = _reflection_item(key, state.reflections[e.pid])
    board = [{"op": "reflection", "summary": counts["summary"], "key": key, "item": item}]
    return replace(_personal(state, e.pid, everyone), board=board)


@_render.register
def _(e: ev.AgreementsChanged, state: RoomState) -> Delivery:
    return Delivery([_board(state, "agreements")])


def _timer(e: object, state: RoomState) -> Delivery:
    return Delivery([_board(state, "timer")])


for _kind in (
    ev.TimerStarted,
    ev.TimerPaused,
    ev.TimerResumed,
    ev.TimerExtended,
    ev.TimerLockChanged,
    ev.TimerCleared,
):
    _render.register(_kind, _timer)


@_render.register
def _(e: ev.ScaleAnswered, state: RoomState) -> Delivery:
    return _personal(state, e.pid, [{"op": "scale", "scale": scale_view(state)}])


@_render.register
def _(e: ev.ScaleClosed, state: RoomState) -> Delivery:
    return Delivery([{"op": "scale", "scale": scale_view(state)}])


# -- duo boards ------------------------------------------------------------------------------


def _sheet_changed(state: RoomState, owner: str) -> Delivery:
    """The duo's progress to everyone; the sheet itself to whoever may read it."""
    progress = duo_views.duo_op_for(state, owner)
    sheet: Op = {"op": "sheet", "sheet": duo_views.sheet_view(state, owner)}
    if state.sheet_of(owner).shared:
        return Delivery([*progress, sheet])
    readers = duo.audience(state, owner)
    return Delivery(progress, {pid: [*progress, sheet] for pid in readers})


def _pairs_changed(
    state: RoomState, e: ev.PairChanged, delivery: Delivery, affected: frozenset[str]
) -> Delivery:
    """A duo formed, grew or broke up: the overview's entries of the duos it changed (the one
    joined, the one left), and whose sheets each member may read now.

    `affected` holds everyone whose duo changed, a partner left behind included (views of
    `me` need the same people), so nobody keeps a former partner's sheet.
    """
    duos = duo_views.duo_ops(state, e.code, e.left)
    personal = {pid: [*ops, *duos] for pid, ops in delivery.personal.items()}
    for pid in affected & state.participants.keys():
        sheets: Op = {"op": "sheets", "sheets": duo_views.sheets_view(state, pid)}
        personal[pid] = [*delivery.for_viewer(pid), *duos, sheets]
    board = None if delivery.board is None else [*delivery.board, *duos]
    return Delivery([*delivery.everyone, *duos], personal, board)


@_render.register
def _(e: ev.SheetNoteAdded, state: RoomState) -> Delivery:
    return _sheet_changed(state, e.sheet)


def _sheet_event(
    e: ev.ActivityChanged | ev.SheetStepChanged | ev.SheetItemChosen | ev.SmallStepChanged,
    state: RoomState,
) -> Delivery:
    return _sheet_changed(state, e.sheet)


for _kind in (ev.ActivityChanged, ev.SheetStepChanged, ev.SheetItemChosen, ev.SmallStepChanged):
    _render.register(_kind, _sheet_event)


@_render.register
def _(e: ev.TurnChanged, state: RoomState) -> Delivery:
    members = state.pair_members(e.pair)
    return Delivery(duo_views.duo_op_for(state, members[0]) if members else [])


@_render.register
def _(e: ev.SheetShared, state: RoomState) -> Delivery:
    if e.shared:
        return _sheet_changed(state, e.sheet)
    progress = duo_views.duo_op_for(state, e.sheet)
    removed: Op = {"op": "sheet_removed", "owner": e.sheet}
    sheet: Op = {"op": "sheet", "sheet": duo_views.sheet_view(state, e.sheet)}
    readers = duo.audience(state, e.sheet)
    return Delivery([*progress, removed], {pid: [*progress, sheet] for pid in readers})
