"""The room's state: frozen values, replaced (never mutated) by apply().

A room is one board, with every meeting held on it (the first and its follow-ups). Its state is
the fold of its events, so everything here must be derivable from the event log alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Circle(StrEnum):
    INNER = "inner"
    OUTER = "outer"


class Phase(StrEnum):
    """The steps of a meeting: the team circle technique in order, then a duo board's own."""

    TOPIC = "topic"
    INNER_WRITING = "inner_writing"
    INNER_READING = "inner_reading"
    OUTER_WRITING = "outer_writing"
    OUTER_READING = "outer_reading"
    STEP_FORWARD = "step_forward"
    CLOSING = "closing"
    # A board in duos: people pair up, then every duo works through its own circles
    PAIRING = "pairing"
    DUOS = "duos"


class Variant(StrEnum):
    TEAM = "team"
    DUO = "duo"


class DuoStep(StrEnum):
    """The four steps of the circle technique in duos, for one interviewee's sheet."""

    ACTIVITY = "activity"
    INNER = "inner"
    OUTER = "outer"
    STEP_FORWARD = "step_forward"


class Language(StrEnum):
    NL = "nl"
    EN = "en"


class Role(StrEnum):
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    SCREEN = "screen"


class VotingStatus(StrEnum):
    NOT_STARTED = "not_started"
    OPEN = "open"
    CLOSED = "closed"


class PlanMode(StrEnum):
    """How the last step proceeds: one plan chosen by the whole team, or a plan per duo/group."""

    TEAM = "team"
    GROUPS = "groups"


class Usefulness(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class PlanStatus(StrEnum):
    """Whether a next step has been taken (updated at a follow-up meeting)."""

    OPEN = "open"
    DONE = "done"


class ScaleStatus(StrEnum):
    NOT_STARTED = "not_started"
    OPEN = "open"
    CLOSED = "closed"


class Part(StrEnum):
    """The parts of a meeting on the agenda, in order (see agenda.py)."""

    WARM_UP = "warm_up"
    ROUND_1 = "round_1"
    PAUSE = "pause"
    ROUND_2 = "round_2"
    CLOSING = "closing"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sends a command. A participant always has a pid; the others never do."""

    role: Role
    pid: str | None = None


FACILITATOR = Actor(Role.FACILITATOR)
SCREEN = Actor(Role.SCREEN)


def participant(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


@dataclass(frozen=True, slots=True)
class Participant:
    pid: str
    name: str
    token_hash: str
    pair: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    nid: str
    author: str
    circle: Circle
    text: str
    order: int
    revealed: bool = False
    hidden: bool = False
    merged_into: str | None = None
    deleted: bool = False
    round: int = 1
    meeting: int = 1
    inward_meeting: int | None = None
    """The follow-up meeting in which this outer item moved into the inner circle."""
    inward_ms: int | None = None
    """When it moved inward (the server's clock, ms since the epoch)."""
    sheet: str | None = None
    """On a duo board: the interviewee whose sheet holds this note. Team notes: None."""

    @property
    def live(self) -> bool:
        return not self.deleted

    @property
    def on_board(self) -> bool:
        """Shown on the shared circles and in the reading order."""
        return self.revealed and not self.deleted and not self.hidden and self.merged_into is None

    @property
    def counted_as(self) -> tuple[int, int, Circle] | None:
        """Where this note counts in the number of notes written per circle: the meeting it was
        written in, its round and circle; None when deleted or written on a duo sheet."""
        return (self.meeting, self.round, self.circle) if self.live and self.sheet is None else None


@dataclass(frozen=True, slots=True)
class Plan:
    """A small step forward for one outer item: what, who, by when."""

    plan_id: str
    nid: str
    what: str
    who: str
    when: str
    author: str | None
    order: int
    round: int = 1
    meeting: int = 1
    status: PlanStatus = PlanStatus.OPEN
    done_ms: int | None = None
    """When the step was marked done (the server's clock, ms since the epoch)."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """One interviewee's circles on a duo board, written by their duo partner.

    Its notes are the room's notes whose `sheet` is `owner` (`note_ids`, in writing order, keeps
    them at hand). The sheet's contents reach only the owner and their duo partner, unless the
    owner shares it (see duo.py).
    """

    owner: str
    note_ids: tuple[str, ...] = ()
    activity: str = ""
    step: DuoStep = DuoStep.ACTIVITY
    chosen: str | None = None
    small_step: str = ""
    shared: bool = False


@dataclass(frozen=True, slots=True)
class Reflection:
    useful: Usefulness
    what: str
    improve: str


@dataclass(frozen=True, slots=True)
class Timer:
    """A deadline the server owns. While paused, deadline_ms is None and remaining_ms holds."""

    duration_ms: int
    deadline_ms: int | None
    remaining_ms: int
    lock_writing: bool

    def remaining_at(self, now_ms: int) -> int:
        if self.deadline_ms is None:
            return self.remaining_ms
        return max(0, self.deadline_ms - now_ms)

    def expired_at(self, now_ms: int) -> bool:
        return self.remaining_at(now_ms) <= 0


@dataclass(frozen=True, slots=True)
class Agenda:
    """The meeting around the circles: which part runs now, and the facilitator's plan.

    `part` is None before the meeting starts. `minutes` holds only the parts whose planned
    minutes the facilitator changed (agenda.planned_minutes gives the rest). `clock` is the
    current part's countdown, started on entering it.
    """

    part: Part | None = None
    minutes: Mapping[Part, int] = field(default_factory=dict)
    round_two: bool = True
    clock: Timer | None = None


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """A finished circle round, kept for the record: its topic, chosen item and dots."""

    meeting: int
    round: int
    topic: str
    chosen: str | None
    tally: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class RoomState:
    room_id: str = ""
    seq: int = 0
    created: bool = False
    topic: str = ""
    variant: Variant = Variant.TEAM
    language: Language = Language.NL
    anonymous: bool = False
    phase: Phase = Phase.TOPIC
    participants: Mapping[str, Participant] = field(default_factory=dict)
    notes: Mapping[str, Note] = field(default_factory=dict)
    reading: str | None = None
    voting: VotingStatus = VotingStatus.NOT_STARTED
    dots: int = 0
    votes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    chosen: str | None = None
    plan_mode: PlanMode = PlanMode.TEAM
    plans: Mapping[str, Plan] = field(default_factory=dict)
    reflections: Mapping[str, Reflection] = field(default_factory=dict)
    agreements: str = ""
    timer: Timer | None = None
    scale: ScaleStatus = ScaleStatus.NOT_STARTED
    scale_answers: Mapping[str, int] = field(default_factory=dict)
    scale_previous: tuple[int, ...] | None = None
    scale_meeting: int = 1
    """The meeting the scale question was last asked in (a follow-up shows the answers of an
    earlier one until it is asked again)."""
    round: int = 1
    meeting: int = 1
    follow_ups: tuple[int, ...] = ()
    """When each follow-up meeting (2, 3, ...) opened, in ms since the epoch."""

    def meeting_started_ms(self, meeting: int) -> int | None:
        """When a follow-up meeting opened; None for the first (the board's creation time)."""
        return self.follow_ups[meeting - 2] if 2 <= meeting <= len(self.follow_ups) + 1 else None

    agenda: Agenda = field(default_factory=Agenda)
    past_rounds: tuple[RoundRecord, ...] = ()

    def in_current_round(self, item: Note | Plan) -> bool:
        """Whether a note or plan belongs to the round on the circles now (earlier rounds stay
        in the state for the record and the exports, never on the board). A follow-up meeting
        continues the circles of its rounds, so earlier meetings' notes stay on them."""
        return item.round == self.round

    sheets: Mapping[str, Sheet] = field(default_factory=dict)
    turns: Mapping[str, str] = field(default_factory=dict)
    """Duo boards: pair code -> the member being interviewed now (the other one writes)."""
    pair_numbers: Mapping[str, int] = field(default_factory=dict)
    """Pair code -> the duo's number ("Duo 3" on an anonymous board), for every code that has
    members: a code gets the smallest number no other duo holds when its first member comes
    and keeps it until its last one leaves, so no duo is renumbered under the others."""

    # Indexes of `notes`, kept by `app.room.apply` (every note goes in through one function
    # there), so that one person's notes and the counts per circle are found without a pass
    # over the whole board. A state built by hand, not by applying events, has them empty.
    written: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Who wrote which notes: ids in writing order, of every round, deleted ones too."""
    counted: Mapping[tuple[int, int, Circle], int] = field(default_factory=dict)
    """How many notes count per meeting, round and circle (see `Note.counted_as`); never a
    zero."""
    writers: Mapping[tuple[int, int, Circle], Mapping[str, int]] = field(default_factory=dict)
    """Per meeting, round and circle, who has notes there that count, and how many; never a
    zero."""

    def notes_of(self, pid: str) -> list[Note]:
        """The notes `pid` wrote, in writing order (every round, deleted ones too)."""
        return [self.notes[nid] for nid in self.written.get(pid, ())]

    def live_notes_in_meeting(self, pid: str) -> int:
        """How many notes `pid` has in the current meeting (both rounds; deleted ones not)."""
        return sum(1 for n in self.notes_of(pid) if n.live and n.meeting == self.meeting)

    def counts(self) -> dict[Circle, int]:
        """How many notes were written in each circle in the current meeting's round (deleted
        ones and a duo sheet's not counted; an earlier meeting's notes on the circles neither)."""
        return {circle: self.counted.get(self._here(circle), 0) for circle in Circle}

    def writer_counts(self) -> dict[Circle, int]:
        """How many people have a note in each circle of the current meeting's round (the same
        notes as `counts`): the facilitator sees how many have written, not who."""
        return {circle: len(self.writers.get(self._here(circle), {})) for circle in Circle}

    def _here(self, circle: Circle) -> tuple[int, int, Circle]:
        return (self.meeting, self.round, circle)

    def reading_order(self, circle: Circle) -> list[Note]:
        """The notes read aloud for a circle, in the order they were written."""
        return sorted(
            (
                n
                for n in self.notes.values()
                if n.circle is circle and n.on_board and self.in_current_round(n)
            ),
            key=lambda n: n.order,
        )

    def scale_distribution(self) -> tuple[int, ...]:
        """How many answered each value of the scale question, from 0 up."""
        counts = [0] * 11
        for value in self.scale_answers.values():
            counts[value] += 1
        return tuple(counts)

    def may_edit_plans_of(self, pid: str) -> frozenset[str]:
        """The authors whose plans `pid` may change: themselves and their duo partner."""
        person = self.participants.get(pid)
        if person is None or person.pair is None:
            return frozenset({pid})
        return frozenset({pid, *self.pair_members(person.pair)})

    def pair_members(self, code: str) -> list[str]:
        return [p.pid for p in self.participants.values() if p.pair == code]

    def pairs_by_number(self) -> list[str]:
        """Every duo's code, in the order of their numbers."""
        return sorted(self.pair_numbers, key=self.pair_numbers.__getitem__)

    def partner_of(self, pid: str) -> str | None:
        """The other member of `pid`'s duo, when the duo is complete."""
        person = self.participants.get(pid)
        if person is None or person.pair is None:
            return None
        others = [m for m in self.pair_members(person.pair) if m != pid]
        return others[0] if len(others) == 1 else None

    def sheet_of(self, owner: str) -> Sheet:
        return self.sheets.get(owner) or Sheet(owner)

    def sheet_notes(self, owner: str) -> list[Note]:
        """The live notes on one interviewee's sheet, in the order they were written."""
        sheet = self.sheets.get(owner)
        if sheet is None:
            return []
        return [note for nid in sheet.note_ids if (note := self.notes[nid]).live]

    def turn_of(self, code: str) -> str | None:
        """Who of duo `code` is interviewed now: as set, else the one who joined the board first."""
        members = self.pair_members(code)
        turn = self.turns.get(code)
        if turn in members:
            return turn
        return members[0] if members else None

    def tally(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for chosen in self.votes.values():
            for nid in chosen:
                note = self.notes.get(nid)
                if note is not None and note.on_board and self.in_current_round(note):
                    counts[nid] = counts.get(nid, 0) + 1
        return counts
