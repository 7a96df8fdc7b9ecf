"""Why a command was refused: one closed list of codes, shared by the core, the protocol and docs.

Hierarchy::

    Exception
    └── Rejected(code, detail)     raised by decide(); the state is untouched

Transport-level problems (bad JSON, messages over MAX_MESSAGE_BYTES, rate limits) use the same
codes so that a client has one table to read; they are raised by the adapters, never by the core.
A frame over MAX_FRAME_BYTES gets no code: the socket is closed with 1009.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Every reason the server may refuse something. The value is what goes on the wire."""

    # Message shape (transport)
    BAD_JSON = "bad_json"
    BAD_MESSAGE = "bad_message"
    MESSAGE_TOO_LARGE = "message_too_large"
    RATE_LIMITED = "rate_limited"
    NOT_JOINED = "not_joined"
    PROTOCOL_VERSION = "protocol_version"
    # Who may do what
    FORBIDDEN = "forbidden"
    UNKNOWN_ROOM = "unknown_room"
    BAD_CREDENTIALS = "bad_credentials"
    ROOM_FULL = "room_full"
    SERVER_FULL = "server_full"
    DUPLICATE_OPERATION = "duplicate_operation"
    # Method rules
    WRONG_PHASE = "wrong_phase"
    PHASE_CONFLICT = "phase_conflict"
    WRITING_CLOSED = "writing_closed"
    NOTE_EMPTY = "note_empty"
    NOTE_TOO_LONG = "note_too_long"
    TEXT_TOO_LONG = "text_too_long"
    TOO_MANY_NOTES = "too_many_notes"
    NOTE_EXISTS = "note_exists"
    UNKNOWN_NOTE = "unknown_note"
    NOT_YOUR_NOTE = "not_your_note"
    VOTING_CLOSED = "voting_closed"
    NO_DOTS_LEFT = "no_dots_left"
    ALREADY_VOTED = "already_voted"
    NOT_VOTED = "not_voted"
    UNKNOWN_PLAN = "unknown_plan"
    TOO_MANY_PLANS = "too_many_plans"
    PLAN_EXISTS = "plan_exists"
    BAD_VALUE = "bad_value"
    NO_TIMER = "no_timer"
    UNKNOWN_PAIR = "unknown_pair"
    PAIR_FULL = "pair_full"
    NOT_IN_DUO = "not_in_duo"
    # Server side
    INTERNAL = "internal"


class Rejected(Exception):
    """A command broke a rule; nothing changed."""

    def __init__(self, code: ErrorCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail
