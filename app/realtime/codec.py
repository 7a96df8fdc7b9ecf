"""Protocol <-> core: client messages become core commands; server messages become bytes.

The core never imports pydantic; this module is the only place the two meet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from app.realtime import protocol as p
from app.room import commands as c

_CONVERT: dict[type[p.CommandMessage], Callable[[Any], c.Command]] = {
    p.Rename: lambda m: c.Rename(m.name),
    p.SetTopic: lambda m: c.SetTopic(m.topic),
    p.ChangePhase: lambda m: c.ChangePhase(m.from_, m.to),
    p.MovePart: lambda m: c.MovePart(m.from_, m.to),
    p.SetRoundTwo: lambda m: c.SetRoundTwo(m.included),
    p.SetPartMinutes: lambda m: c.SetPartMinutes(m.part, m.minutes),
    p.AddNote: lambda m: c.AddNote(m.id, m.circle, m.text),
    p.EditNote: lambda m: c.EditNote(m.id, m.text),
    p.DeleteNote: lambda m: c.DeleteNote(m.id),
    p.HideNote: lambda m: c.HideNote(m.id, m.hidden),
    p.MergeNote: lambda m: c.MergeNote(m.id, m.into),
    p.UnmergeNote: lambda m: c.UnmergeNote(m.id),
    p.MoveNote: lambda m: c.MoveNote(m.id, m.circle),
    p.MoveInward: lambda m: c.MoveInward(m.id),
    p.ShowItem: lambda m: c.ShowItem(m.target),
    p.OpenVoting: lambda m: c.OpenVoting(m.dots),
    p.CastVote: lambda m: c.CastVote(m.id),
    p.RetractVote: lambda m: c.RetractVote(m.id),
    p.CloseVoting: lambda m: c.CloseVoting(),
    p.ChooseItem: lambda m: c.ChooseItem(m.id),
    p.SetPlanMode: lambda m: c.SetPlanMode(m.mode),
    p.AddPlan: lambda m: c.AddPlan(m.id, m.note, m.what, m.who, m.when),
    p.EditPlan: lambda m: c.EditPlan(m.id, m.what, m.who, m.when),
    p.RemovePlan: lambda m: c.RemovePlan(m.id),
    p.SetPlanStatus: lambda m: c.SetPlanStatus(m.id, m.status),
    p.OpenFollowUp: lambda m: c.OpenFollowUp(m.meeting),
    p.StartPair: lambda m: c.StartPair(m.code),
    p.JoinPair: lambda m: c.JoinPair(m.code),
    p.LeavePair: lambda m: c.LeavePair(),
    p.PairUp: lambda m: c.PairUp(m.first, m.second, m.code),
    p.SubmitReflection: lambda m: c.SubmitReflection(m.useful, m.what, m.improve),
    p.SetAgreements: lambda m: c.SetAgreements(m.text),
    p.StartTimer: lambda m: c.StartTimer(m.seconds, m.lock_writing),
    p.PauseTimer: lambda m: c.PauseTimer(),
    p.ResumeTimer: lambda m: c.ResumeTimer(),
    p.ExtendTimer: lambda m: c.ExtendTimer(m.seconds),
    p.SetTimerLock: lambda m: c.SetTimerLock(m.lock_writing),
    p.ClearTimer: lambda m: c.ClearTimer(),
    p.OpenScale: lambda m: c.OpenScale(),
    p.AnswerScale: lambda m: c.AnswerScale(m.value),
    p.CloseScale: lambda m: c.CloseScale(),
    p.SetActivity: lambda m: c.SetActivity(m.sheet, m.text),
    p.AddSheetNote: lambda m: c.AddSheetNote(m.sheet, m.id, m.circle, m.text),
    p.SetSheetStep: lambda m: c.SetSheetStep(m.sheet, m.from_, m.to),
    p.ChooseSheetItem: lambda m: c.ChooseSheetItem(m.sheet, m.id),
    p.SetSmallStep: lambda m: c.SetSmallStep(m.sheet, m.text),
    p.SwapRoles: lambda m: c.SwapRoles(m.interviewee),
    p.ShareSheet: lambda m: c.ShareSheet(m.shared),
}


def to_command(message: p.CommandMessage) -> c.Command:
    return _CONVERT[type(message)](message)


def encode(message: dict[str, Any]) -> bytes:
    """One server message as UTF-8 JSON (encoded once, sent to many as it is)."""
    return orjson.dumps(message)


Message = bytes | tuple[bytes, ...]
"""One encoded server message: its bytes, or pieces that joined are its bytes. A participant's
snapshot is pieces (the part only for them, the board's notes, the end), so that a board's
notes, encoded once, are not copied into every joining phone's message (see `app.realtime.wire`
for how pieces are written)."""


def message_bytes(message: Message) -> bytes:
    """The bytes of `message`, joined if it is in pieces."""
    return message if isinstance(message, bytes) else b"".join(message)


def encode_ending_with(message: dict[str, Any], key: str, value: bytes) -> Message:
    """`message`, whose last entry is a non-empty object, with `key` added at the end of that
    object: `value` (encoded JSON) as a piece of its own, not copied."""
    head = encode(message)
    if not head.endswith(b"}}") or head.endswith(b":{}}"):
        raise ValueError("the message's last entry must be a non-empty object")
    return (head[:-2] + b"," + orjson.dumps(key) + b":", value, b"}}")
