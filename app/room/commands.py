"""What a client asks for: one frozen dataclass per intent. decide() says yes (events) or no."""

from __future__ import annotations

from dataclasses import dataclass

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
class CreateBoard:
    """Open a new board (sent by the HTTP API on behalf of the facilitator)."""

    room_id: str
    topic: str
    variant: Variant
    language: Language
    anonymous: bool


@dataclass(frozen=True, slots=True)
class Join:
    """A new participant enters the room (the shell makes the id and the token)."""

    name: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class Rename:
    name: str


@dataclass(frozen=True, slots=True)
class SetTopic:
    topic: str


@dataclass(frozen=True, slots=True)
class ChangePhase:
    """Compare-and-set: only moves when the room is still in `from_`."""

    from_: Phase
    to: Phase


@dataclass(frozen=True, slots=True)
class MovePart:
    """Compare-and-set on the agenda: only moves when the meeting is still in `from_`."""

    from_: Part | None
    to: Part


@dataclass(frozen=True, slots=True)
class SetRoundTwo:
    """Include the optional second round in the meeting, or skip it."""

    included: bool


@dataclass(frozen=True, slots=True)
class SetPartMinutes:
    part: Part
    minutes: int


@dataclass(frozen=True, slots=True)
class AddNote:
    nid: str
    circle: Circle
    text: str


@dataclass(frozen=True, slots=True)
class EditNote:
    nid: str
    text: str


@dataclass(frozen=True, slots=True)
class DeleteNote:
    nid: str


@dataclass(frozen=True, slots=True)
class HideNote:
    nid: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class MergeNote:
    nid: str
    into: str


@dataclass(frozen=True, slots=True)
class UnmergeNote:
    """Put a merged note back on the board as a note of its own."""

    nid: str


@dataclass(frozen=True, slots=True)
class MoveNote:
    nid: str
    circle: Circle


@dataclass(frozen=True, slots=True)
class MoveInward:
    """A follow-up meeting moves an earlier outer item into the inner circle: it happened."""

    nid: str


@dataclass(frozen=True, slots=True)
class ShowItem:
    """Point the shared "now reading" marker at a note or a plan (None: nothing)."""

    target: str | None


@dataclass(frozen=True, slots=True)
class OpenVoting:
    dots: int


@dataclass(frozen=True, slots=True)
class CastVote:
    nid: str


@dataclass(frozen=True, slots=True)
class RetractVote:
    nid: str


@dataclass(frozen=True, slots=True)
class CloseVoting:
    pass


@dataclass(frozen=True, slots=True)
class ChooseItem:
    nid: str | None


@dataclass(frozen=True, slots=True)
class SetPlanMode:
    mode: PlanMode


@dataclass(frozen=True, slots=True)
class AddPlan:
    plan_id: str
    nid: str
    what: str
    who: str
    when: str


@dataclass(frozen=True, slots=True)
class EditPlan:
    plan_id: str
    what: str
    who: str
    when: str


@dataclass(frozen=True, slots=True)
class RemovePlan:
    plan_id: str


@dataclass(frozen=True, slots=True)
class SetPlanStatus:
    """Mark a next step done, or open again."""

    plan_id: str
    status: PlanStatus


@dataclass(frozen=True, slots=True)
class OpenFollowUp:
    """Reopen the board for its next meeting. Compare-and-set: `meeting` is the new number."""

    meeting: int


@dataclass(frozen=True, slots=True)
class StartPair:
    """A participant opens a duo under a short code the partner then types."""

    code: str


@dataclass(frozen=True, slots=True)
class JoinPair:
    code: str


@dataclass(frozen=True, slots=True)
class LeavePair:
    pass


@dataclass(frozen=True, slots=True)
class PairUp:
    """The facilitator puts two participants in one duo."""

    first: str
    second: str
    code: str


@dataclass(frozen=True, slots=True)
class SubmitReflection:
    useful: Usefulness
    what: str
    improve: str


@dataclass(frozen=True, slots=True)
class SetAgreements:
    text: str


@dataclass(frozen=True, slots=True)
class StartTimer:
    seconds: int
    lock_writing: bool


@dataclass(frozen=True, slots=True)
class PauseTimer:
    pass


@dataclass(frozen=True, slots=True)
class ResumeTimer:
    pass


@dataclass(frozen=True, slots=True)
class ExtendTimer:
    seconds: int


@dataclass(frozen=True, slots=True)
class SetTimerLock:
    """Whether writing closes when the timer runs out, without restarting it."""

    lock_writing: bool


@dataclass(frozen=True, slots=True)
class ClearTimer:
    pass


@dataclass(frozen=True, slots=True)
class OpenScale:
    pass


@dataclass(frozen=True, slots=True)
class AnswerScale:
    value: int


@dataclass(frozen=True, slots=True)
class CloseScale:
    pass


# -- duo boards: `sheet` names the interviewee whose sheet a duo partner writes on -----------


@dataclass(frozen=True, slots=True)
class SetActivity:
    """Write the activity the interviewee wants to make progress in."""

    sheet: str
    text: str


@dataclass(frozen=True, slots=True)
class AddSheetNote:
    """Write a note in one of the interviewee's circles."""

    sheet: str
    nid: str
    circle: Circle
    text: str


@dataclass(frozen=True, slots=True)
class SetSheetStep:
    """Compare-and-set: move the interviewee's sheet to another step."""

    sheet: str
    from_: DuoStep
    to: DuoStep


@dataclass(frozen=True, slots=True)
class ChooseSheetItem:
    """Pick the outer item to move inward first (None: none yet)."""

    sheet: str
    nid: str | None


@dataclass(frozen=True, slots=True)
class SetSmallStep:
    """Write the small step forward for the chosen item."""

    sheet: str
    text: str


@dataclass(frozen=True, slots=True)
class SwapRoles:
    """Make `interviewee` (a member of the sender's duo) the one interviewed now."""

    interviewee: str


@dataclass(frozen=True, slots=True)
class ShareSheet:
    """The interviewee shows their own sheet on the shared screen, or takes it back."""

    shared: bool


Command = (
    CreateBoard
    | Join
    | Rename
    | SetTopic
    | ChangePhase
    | MovePart
    | SetRoundTwo
    | SetPartMinutes
    | AddNote
    | EditNote
    | DeleteNote
    | HideNote
    | MergeNote
    | UnmergeNote
    | MoveNote
    | MoveInward
    | ShowItem
    | OpenVoting
    | CastVote
    | RetractVote
    | CloseVoting
    | ChooseItem
    | SetPlanMode
    | AddPlan
    | EditPlan
    | RemovePlan
    | SetPlanStatus
    | OpenFollowUp
    | StartPair
    | JoinPair
    | LeavePair
    | PairUp
    | SubmitReflection
    | SetAgreements
    | StartTimer
    | PauseTimer
    | ResumeTimer
    | ExtendTimer
    | SetTimerLock
    | ClearTimer
    | OpenScale
    | AnswerScale
    | CloseScale
    | SetActivity
    | AddSheetNote
    | SetSheetStep
    | ChooseSheetItem
    | SetSmallStep
    | SwapRoles
    | ShareSheet
)
