"""Events <-> JSON: the one place where events meet JSON.

An event is stored as its type name (`Event.name`) and a JSON object with one key per dataclass
field, named exactly as the field (so ``PhaseChanged.from_`` is stored as ``"from_"``). Enums are
stored by value and tuples as lists. Decoding is driven by the field types, read once per event
type, so adding an event type needs no change here. A field added to an existing event needs a
default: the events stored before it have no such key and take the default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any, Final

import orjson

from app.room.events import EVENT_TYPES, Event

Decoder = Callable[[Any], Any]


class UnknownEventType(ValueError):
    """The stored type name is not one of EVENT_TYPES."""


def encode_event(event: Event) -> tuple[str, str]:
    """The type name and JSON payload of `event`."""
    payload = {f.name: _plain(getattr(event, f.name)) for f in dataclasses.fields(event)}
    return event.name, orjson.dumps(payload).decode()


def decode_event(type_name: str, payload: str | bytes) -> Event:
    """The event stored as `type_name` with `payload`."""
    try:
        event_type, decoders = _DECODERS[type_name]
    except KeyError:
        raise UnknownEventType(type_name) from None
    data = orjson.loads(payload)
    if not isinstance(data, dict):
        raise ValueError(f"{type_name}: payload is not a JSON object")
    # A field added to an event later has a default, which events stored before it take.
    fields = {name: decode(data[name]) for name, decode in decoders.items() if name in data}
    try:
        return event_type(**fields)
    except TypeError as error:  # a field without a default is missing
        raise ValueError(f"{type_name}: {error}") from None


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _decoder_for(annotation: Any) -> Decoder:
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(options) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        inner = _decoder_for(options[0])
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        item_type, ellipsis = typing.get_args(annotation)
        if ellipsis is not Ellipsis:
            raise TypeError(f"unsupported tuple {annotation!r}")
        item = _decoder_for(item_type)
        return lambda value: tuple(item(v) for v in value)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    if annotation in (str, int, bool):
        return _identity
    raise TypeError(f"unsupported field type {annotation!r}")


def _identity(value: Any) -> Any:
    return value


def _decoders(event_type: type[Event]) -> dict[str, Decoder]:
    hints = typing.get_type_hints(event_type)
    return {f.name: _decoder_for(hints[f.name]) for f in dataclasses.fields(event_type)}


_DECODERS: Final[dict[str, tuple[type[Event], dict[str, Decoder]]]] = {
    t.name: (t, _decoders(t)) for t in EVENT_TYPES
}
