"""What happened in a room: one frozen dataclass per fact, in the past tense.

Events are the record: the state is their fold, the log stores them, and every client message
is rendered from them. `name` is the stable type name used in storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from app.room.state import (
    Circle,
    DuoStep,
    Language,
    Part,
    Phase,
    PlanMode,
    PlanStatus,
    Usefulness,
    Variant,
)


@dataclass(frozen=True, slots=True)
class BoardCreated:
    """A board was opened with its topic, variant, language and anonymity."""

    name: ClassVar[str] = "board_created"
    room_id: str
    topic: str
    variant: Variant
    language: Language
    anonymous: bool


@dataclass(frozen=True, slots=True)
class ParticipantJoined:
    """Someone joined by the room's code."""

    name: ClassVar[str] = "participant_joined"
    pid: str
    display_name: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class ParticipantRenamed:
    """A participant changed their display name."""

    name: ClassVar[str] = "participant_renamed"
    pid: str
    display_name: str


@dataclass(frozen=True, slots=True)
class TopicChanged:
    """The facilitator set or edited the topic."""

    name: ClassVar[str] = "topic_changed"
    topic: str


@dataclass(frozen=True, slots=True)
class PhaseChanged:
    """The meeting moved to another step of the method."""

    name: ClassVar[str] = "phase_changed"
    from_: Phase
    to: Phase


@dataclass(frozen=True, slots=True)
class PartEntered:
    """The meeting moved to another part of the agenda, whose countdown started."""

    name: ClassVar[str] = "part_entered"
    from_: Part | None
    to: Part
    duration_ms: int
    deadline_ms: int


@dataclass(frozen=True, slots=True)
class RoundStarted:
    """A new round of the circles began: the last one went on the record, the board is empty."""

    name: ClassVar[str] = "round_started"
    round: int


@dataclass(frozen=True, slots=True)
class RoundTwoChanged:
    """The facilitator included the optional second round, or skipped it."""

    name: ClassVar[str] = "round_two_changed"
    included: bool


@dataclass(frozen=True, slots=True)
class PartMinutesChanged:
    """A part's planned minutes changed; for the current part its deadline moved with them."""

    name: ClassVar[str] = "part_minutes_changed"
    part: Part
    minutes: int
    deadline_ms: int | None


@dataclass(frozen=True, slots=True)
class NotesRevealed:
    """The hidden notes of a circle became visible to everyone."""

    name: ClassVar[str] = "notes_revealed"
    circle: Circle
    nids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NoteAdded:
    """A participant wrote a note (hidden until its circle is revealed)."""

    name: ClassVar[str] = "note_added"
    nid: str
    author: str
    circle: Circle
    text: str


@dataclass(frozen=True, slots=True)
class NoteEdited:
    """The author changed a note's text."""

    name: ClassVar[str] = "note_edited"
    nid: str
    text: str


@dataclass(frozen=True, slots=True)
class NoteDeleted:
    """The author deleted a note; it stays as a tombstone."""

    name: ClassVar[str] = "note_deleted"
    nid: str


@dataclass(frozen=True, slots=True)
class NoteHidden:
    """The facilitator took a note off the board, or put it back."""

    name: ClassVar[str] = "note_hidden"
    nid: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class NoteMerged:
    """The facilitator merged a duplicate into another note (or undid that: None)."""

    name: ClassVar[str] = "note_merged"
    nid: str
    into: str | None


@dataclass(frozen=True, slots=True)
class NoteMoved:
    """The facilitator moved a note to the other circle."""

    name: ClassVar[str] = "note_moved"
    nid: str
    circle: Circle


@dataclass(frozen=True, slots=True)
class NoteMovedInward:
    """An earlier outer item moved into the inner circle at a follow-up meeting, on a date."""

    name: ClassVar[str] = "note_moved_inward"
    nid: str
    meeting: int
    at_ms: int


@dataclass(frozen=True, slots=True)
class ReadingMoved:
    """The "now reading" marker moved to a note or plan (or off)."""

    name: ClassVar[str] = "reading_moved"
    target: str | None


@dataclass(frozen=True, slots=True)
class VotingOpened:
    """Dot voting on the outer circle started, with this many dots each."""

    name: ClassVar[str] = "voting_opened"
    dots: int


@dataclass(frozen=True, slots=True)
class VoteCast:
    """A participant put a dot on an outer item."""

    name: ClassVar[str] = "vote_cast"
    pid: str
    nid: str


@dataclass(frozen=True, slots=True)
class VoteRetracted:
    """A participant took a dot back."""

    name: ClassVar[str] = "vote_retracted"
    pid: str
    nid: str


@dataclass(frozen=True, slots=True)
class VotingClosed:
    """Voting ended; the tally is shown."""

    name: ClassVar[str] = "voting_closed"


@dataclass(frozen=True, slots=True)
class ItemChosen:
    """The facilitator confirmed the outer item to move inward first (or cleared it)."""

    name: ClassVar[str] = "item_chosen"
    nid: str | None


@dataclass(frozen=True, slots=True)
class PlanModeChanged:
    """The last step runs as one team plan or as a plan per duo or group."""

    name: ClassVar[str] = "plan_mode_changed"
    mode: PlanMode


@dataclass(frozen=True, slots=True)
class PlanAdded:
    """A small next step was written for an outer item."""

    name: ClassVar[str] = "plan_added"
    plan_id: str
    nid: str
    what: str
    who: str
    when: str
    author: str | None


@dataclass(frozen=True, slots=True)
class PlanEdited:
    """A plan's what, who or when changed."""

    name: ClassVar[str] = "plan_edited"
    plan_id: str
    what: str
    who: str
    when: str


@dataclass(frozen=True, slots=True)
class PlanRemoved:
    """A plan was removed."""

    name: ClassVar[str] = "plan_removed"
    plan_id: str


@dataclass(frozen=True, slots=True)
class PlanStatusChanged:
    """A next step was marked done (or open again)."""

    name: ClassVar[str] = "plan_status_changed"
    plan_id: str
    status: PlanStatus
    at_ms: int


@dataclass(frozen=True, slots=True)
class FollowUpOpened:
    """The board was reopened for a follow-up meeting, numbered `meeting`, at `at_ms`."""

    name: ClassVar[str] = "follow_up_opened"
    meeting: int
    at_ms: int


@dataclass(frozen=True, slots=True)
class PairChanged:
    """A participant entered a duo (code) or left it (None); `left` is the duo they were in
    before, if another one (a partner it leaves behind is told). Stored before `left` existed,
    it reads as None."""

    name: ClassVar[str] = "pair_changed"
    pid: str
    code: str | None
    left: str | None = None


@dataclass(frozen=True, slots=True)
class ReflectionSubmitted:
    """A participant answered the closing questions on usefulness."""

    name: ClassVar[str] = "reflection_submitted"
    pid: str
    useful: Usefulness
    what: str
    improve: str


@dataclass(frozen=True, slots=True)
class AgreementsChanged:
    """The facilitator wrote the follow-up agreements."""

    name: ClassVar[str] = "agreements_changed"
    text: str


@dataclass(frozen=True, slots=True)
class TimerStarted:
    """A phase timer started with a deadline on the server's clock."""

    name: ClassVar[str] = "timer_started"
    duration_ms: int
    deadline_ms: int
    lock_writing: bool


@dataclass(frozen=True, slots=True)
class TimerPaused:
    """The timer stopped with this much time left."""

    name: ClassVar[str] = "timer_paused"
    remaining_ms: int


@dataclass(frozen=True, slots=True)
class TimerResumed:
    """The paused timer runs again towards a new deadline."""

    name: ClassVar[str] = "timer_resumed"
    deadline_ms: int


@dataclass(frozen=True, slots=True)
class TimerExtended:
    """The timer got extra time."""

    name: ClassVar[str] = "timer_extended"
    duration_ms: int
    deadline_ms: int | None
    remaining_ms: int


@dataclass(frozen=True, slots=True)
class TimerLockChanged:
    """Writing will (or will not) close when the timer runs out."""

    name: ClassVar[str] = "timer_lock_changed"
    lock_writing: bool


@dataclass(frozen=True, slots=True)
class TimerCleared:
    """The timer was removed."""

    name: ClassVar[str] = "timer_cleared"


@dataclass(frozen=True, slots=True)
class ScaleOpened:
    """The scale question (0 to 10: where are we now?) opened."""

    name: ClassVar[str] = "scale_opened"


@dataclass(frozen=True, slots=True)
class ScaleAnswered:
    """A participant placed themselves on the scale."""

    name: ClassVar[str] = "scale_answered"
    pid: str
    value: int


@dataclass(frozen=True, slots=True)
class ScaleClosed:
    """The scale question closed; its distribution is shown."""

    name: ClassVar[str] = "scale_closed"


# -- duo boards: `sheet` is always the interviewee's pid ------------------------------------


@dataclass(frozen=True, slots=True)
class SheetNoteAdded:
    """A duo partner wrote a note on the interviewee's sheet."""

    name: ClassVar[str] = "sheet_note_added"
    nid: str
    author: str
    sheet: str
    circle: Circle
    text: str


@dataclass(frozen=True, slots=True)
class ActivityChanged:
    """The activity on a sheet was written or changed."""

    name: ClassVar[str] = "activity_changed"
    sheet: str
    text: str


@dataclass(frozen=True, slots=True)
class SheetStepChanged:
    """A sheet moved to another of the four steps."""

    name: ClassVar[str] = "sheet_step_changed"
    sheet: str
    from_: DuoStep
    to: DuoStep


@dataclass(frozen=True, slots=True)
class SheetItemChosen:
    """The outer item to move inward first was picked on a sheet (or cleared)."""

    name: ClassVar[str] = "sheet_item_chosen"
    sheet: str
    nid: str | None


@dataclass(frozen=True, slots=True)
class SmallStepChanged:
    """The small step forward on a sheet was written or changed."""

    name: ClassVar[str] = "small_step_changed"
    sheet: str
    text: str


@dataclass(frozen=True, slots=True)
class TurnChanged:
    """The duo swapped roles: `interviewee` is interviewed now, the partner writes."""

    name: ClassVar[str] = "turn_changed"
    pair: str
    interviewee: str


@dataclass(frozen=True, slots=True)
class SheetShared:
    """The interviewee showed their sheet on the shared screen, or took it back."""

    name: ClassVar[str] = "sheet_shared"
    sheet: str
    shared: bool


Event = (
    BoardCreated
    | ParticipantJoined
    | ParticipantRenamed
    | TopicChanged
    | PhaseChanged
    | PartEntered
    | RoundStarted
    | RoundTwoChanged
    | PartMinutesChanged
    | NotesRevealed
    | NoteAdded
    | NoteEdited
    | NoteDeleted
    | NoteHidden
    | NoteMerged
    | NoteMoved
    | NoteMovedInward
    | ReadingMoved
    | VotingOpened
    | VoteCast
    | VoteRetracted
    | VotingClosed
    | ItemChosen
    | PlanModeChanged
    | PlanAdded
    | PlanEdited
    | PlanRemoved
    | PlanStatusChanged
    | FollowUpOpened
    | PairChanged
    | ReflectionSubmitted
    | AgreementsChanged
    | TimerStarted
    | TimerPaused
    | TimerResumed
    | TimerExtended
    | TimerLockChanged
    | TimerCleared
    | ScaleOpened
    | ScaleAnswered
    | ScaleClosed
    | SheetNoteAdded
    | ActivityChanged
    | SheetStepChanged
    | SheetItemChosen
    | SmallStepChanged
    | TurnChanged
    | SheetShared
)

EVENT_TYPES: tuple[type[Event], ...] = (
    BoardCreated,
    ParticipantJoined,
    ParticipantRenamed,
    TopicChanged,
    PhaseChanged,
    PartEntered,
    RoundStarted,
    RoundTwoChanged,
    PartMinutesChanged,
    NotesRevealed,
    NoteAdded,
    NoteEdited,
    NoteDeleted,
    NoteHidden,
    NoteMerged,
    NoteMoved,
    NoteMovedInward,
    ReadingMoved,
    VotingOpened,
    VoteCast,
    VoteRetracted,
    VotingClosed,
    ItemChosen,
    PlanModeChanged,
    PlanAdded,
    PlanEdited,
    PlanRemoved,
    PlanStatusChanged,
    FollowUpOpened,
    PairChanged,
    ReflectionSubmitted,
    AgreementsChanged,
    TimerStarted,
    TimerPaused,
    TimerResumed,
    TimerExtended,
    TimerLockChanged,
    TimerCleared,
    ScaleOpened,
    ScaleAnswered,
    ScaleClosed,
    SheetNoteAdded,
    ActivityChanged,
    SheetStepChanged,
    SheetItemChosen,
    SmallStepChanged,
    TurnChanged,
    SheetShared,
)
