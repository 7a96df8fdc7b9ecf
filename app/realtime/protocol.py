"""The wire protocol: every message both ways, validated by pydantic. See docs/protocol.md.

Client messages are one discriminated union on `type`; each validator is built once. Strict
types, no extra fields, no NaN: a message that does not fit is refused with a typed error.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from app.room.state import Circle, DuoStep, Part, Phase, PlanMode, PlanStatus, Role, Usefulness

PROTOCOL_VERSION: Final = 3

Id = Annotated[str, Field(min_length=1, max_length=64)]
Cid = Annotated[str, Field(min_length=1, max_length=64)]
# Generous wire bounds; the exact limits (with their own error codes) are checked by the core.
Text = Annotated[str, Field(max_length=4000)]
Seconds = Annotated[int, Field(ge=0, le=100_000)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Hello(_Message):
    """First message on every socket: who I am and where I left off."""

    type: Literal["hello"]
    v: int
    role: Role
    code: Annotated[str, Field(max_length=32)] | None = None
    token: Annotated[str, Field(max_length=128)] | None = None
    pid: Id | None = None
    name: Annotated[str, Field(max_length=200)] = ""
    last_seq: Annotated[int, Field(ge=0)] | None = None
    epoch: Annotated[str, Field(max_length=64)] | None = None


class Ping(_Message):
    type: Literal["ping"]
    seq: Annotated[int, Field(ge=0)] | None = None


class Writing(_Message):
    """A participant is typing a note: volatile, not stored, not acknowledged."""

    type: Literal["writing"]


class _Command(_Message):
    cid: Cid


class Rename(_Command):
    type: Literal["rename"]
    name: Text


class SetTopic(_Command):
    type: Literal["set_topic"]
    topic: Text


class ChangePhase(_Command):
    type: Literal["change_phase"]
    from_: Phase = Field(alias="from")
    to: Phase


class MovePart(_Command):
    type: Literal["move_part"]
    from_: Part | None = Field(alias="from")
    to: Part


class SetRoundTwo(_Command):
    type: Literal["set_round_two"]
    included: bool


class SetPartMinutes(_Command):
    type: Literal["set_part_minutes"]
    part: Part
    minutes: int


class AddNote(_Command):
    type: Literal["add_note"]
    id: Id
    circle: Circle
    text: Text


class EditNote(_Command):
    type: Literal["edit_note"]
    id: Id
    text: Text


class DeleteNote(_Command):
    type: Literal["delete_note"]
    id: Id


class HideNote(_Command):
    type: Literal["hide_note"]
    id: Id
    hidden: bool


class MergeNote(_Command):
    type: Literal["merge_note"]
    id: Id
    into: Id


class UnmergeNote(_Command):
    type: Literal["unmerge_note"]
    id: Id


class MoveNote(_Command):
    type: Literal["move_note"]
    id: Id
    circle: Circle


class MoveInward(_Command):
    type: Literal["move_inward"]
    id: Id


class ShowItem(_Command):
    type: Literal["show_item"]
    target: Id | None


class OpenVoting(_Command):
    type: Literal["open_voting"]
    dots: int


class CastVote(_Command):
    type: Literal["cast_vote"]
    id: Id


class RetractVote(_Command):
    type: Literal["retract_vote"]
    id: Id


class CloseVoting(_Command):
    type: Literal["close_voting"]


class ChooseItem(_Command):
    type: Literal["choose_item"]
    id: Id | None


class SetPlanMode(_Command):
    type: Literal["set_plan_mode"]
    mode: PlanMode


class AddPlan(_Command):
    type: Literal["add_plan"]
    id: Id
    note: Id
    what: Text
    who: Text = ""
    when: Text = ""


class EditPlan(_Command):
    type: Literal["edit_plan"]
    id: Id
    what: Text
    who: Text = ""
    when: Text = ""


class RemovePlan(_Command):
    type: Literal["remove_plan"]
    id: Id


class SetPlanStatus(_Command):
    type: Literal["set_plan_status"]
    id: Id
    status: PlanStatus


class OpenFollowUp(_Command):
    type: Literal["open_follow_up"]
    meeting: int


class StartPair(_Command):
    type: Literal["start_pair"]
    code: Annotated[str, Field(max_length=32)]


class JoinPair(_Command):
    type: Literal["join_pair"]
    code: Annotated[str, Field(max_length=32)]


class LeavePair(_Command):
    type: Literal["leave_pair"]


class PairUp(_Command):
    type: Literal["pair_up"]
    first: Id
    second: Id
    code: Annotated[str, Field(max_length=32)]


class SubmitReflection(_Command):
    type: Literal["submit_reflection"]
    useful: Usefulness
    what: Text = ""
    improve: Text = ""


class SetAgreements(_Command):
    type: Literal["set_agreements"]
    text: Text


class StartTimer(_Command):
    type: Literal["start_timer"]
    seconds: Seconds
    lock_writing: bool = False


class PauseTimer(_Command):
    type: Literal["pause_timer"]


class ResumeTimer(_Command):
    type: Literal["resume_timer"]


class ExtendTimer(_Command):
    type: Literal["extend_timer"]
    seconds: Seconds


class SetTimerLock(_Command):
    type: Literal["set_timer_lock"]
    lock_writing: bool


class ClearTimer(_Command):
    type: Literal["clear_timer"]


class OpenScale(_Command):
    type: Literal["open_scale"]


class AnswerScale(_Command):
    type: Literal["answer_scale"]
    value: int


class CloseScale(_Command):
    type: Literal["close_scale"]


# -- duo boards ------------------------------------------------------------------------------


class SetActivity(_Command):
    type: Literal["set_activity"]
    sheet: Id
    text: Text


class AddSheetNote(_Command):
    type: Literal["add_sheet_note"]
    sheet: Id
    id: Id
    circle: Circle
    text: Text


class SetSheetStep(_Command):
    type: Literal["set_sheet_step"]
    sheet: Id
    from_: DuoStep = Field(alias="from")
    to: DuoStep


class ChooseSheetItem(_Command):
    type: Literal["choose_sheet_item"]
    sheet: Id
    id: Id | None


class SetSmallStep(_Command):
    type: Literal["set_small_step"]
    sheet: Id
    text: Text


class SwapRoles(_Command):
    type: Literal["swap_roles"]
    interviewee: Id


class ShareSheet(_Command):
    type: Literal["share_sheet"]
    shared: bool


CommandMessage = (
    Rename
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

ClientMessage = Annotated[Hello | Ping | Writing | CommandMessage, Field(discriminator="type")]

CLIENT_MESSAGE: Final[TypeAdapter[Hello | Ping | Writing | CommandMessage]] = TypeAdapter(
    ClientMessage
)

COMMAND_TYPES: Final[tuple[str, ...]] = tuple(
    model.model_fields["type"].annotation.__args__[0] for model in CommandMessage.__args__
)


def parse_client(raw: str | bytes) -> Hello | Ping | Writing | CommandMessage:
    """Validate one frame. Raises pydantic.ValidationError."""
    return CLIENT_MESSAGE.validate_json(raw)


# -- server messages -------------------------------------------------------------------------
# Server messages are built as plain dicts and encoded once per audience with orjson (see
# codec.py); their shapes are listed in docs/protocol.md and checked by the tests.

ServerMessage = dict[str, Any]

SERVER_TYPES: Final[tuple[str, ...]] = (
    "welcome",
    "snapshot",
    "event",
    "ack",
    "error",
    "presence",
    "pong",
)


class CloseCode:
    """WebSocket close codes the server uses; a client reconnects after the ones marked so."""

    GOING_AWAY: Final = 1001  # ended without a more specific code: reconnect and resume
    MESSAGE_TOO_BIG: Final = 1009  # frame larger than MAX_FRAME_BYTES
    SERVICE_RESTART: Final = 1012  # sent by uvicorn when the server stops (SIGTERM): resume
    TRY_AGAIN_LATER: Final = 1013  # fell behind (send queue full): resume
    BAD_HELLO: Final = 4400  # first message was not a valid hello: fix the client
    BAD_CREDENTIALS: Final = 4401  # token or code wrong: ask the user again
    UNKNOWN_ROOM: Final = 4404  # the board does not exist (deleted or expired)
    ROOM_FULL: Final = 4409  # room or server at its limit: try later
    PROTOCOL_VERSION: Final = 4426  # client speaks another protocol version: reload
