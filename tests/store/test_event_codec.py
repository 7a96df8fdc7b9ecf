"""Every event type survives the trip through JSON unchanged."""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.room import events as ev
from app.room.events import EVENT_TYPES, Event
from app.room.state import Circle, Phase
from app.store import UnknownEventType, decode_event, encode_event

JSON_INTEGERS = st.integers(min_value=-(2**53), max_value=2**53)


def values_of(annotation: Any) -> st.SearchStrategy[Any]:
    """Values for one field type, as the events use them."""
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        return st.one_of(*(values_of(arg) for arg in typing.get_args(annotation)))
    if origin is tuple:
        return st.lists(values_of(typing.get_args(annotation)[0]), max_size=5).map(tuple)
    if annotation is type(None):
        return st.none()
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from(annotation)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return JSON_INTEGERS
    if annotation is str:
        return st.text()
    raise TypeError(f"no strategy for {annotation!r}")


def events_of(event_type: type[Event]) -> st.SearchStrategy[Event]:
    hints = typing.get_type_hints(event_type)
    fields = {f.name: values_of(hints[f.name]) for f in dataclasses.fields(event_type)}
    return st.builds(event_type, **fields)


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda t: t.name)
def test_every_event_type_round_trips(event_type: type[Event]) -> None:
    @settings(deadline=None)  # a busy CI machine must not turn slowness into a failure
    @given(events_of(event_type))
    def round_trip(event: Event) -> None:
        type_name, payload = encode_event(event)
        assert type_name == event_type.name
        decoded = decode_event(type_name, payload)
        assert decoded == event
        assert type(decoded) is event_type

    round_trip()


def test_type_names_are_unique() -> None:
    assert len({t.name for t in EVENT_TYPES}) == len(EVENT_TYPES)


def test_payload_is_plain_json_named_after_the_fields() -> None:
    assert encode_event(ev.PhaseChanged(from_=Phase.TOPIC, to=Phase.INNER_WRITING)) == (
        "phase_changed",
        '{"from_":"topic","to":"inner_writing"}',
    )
    name, payload = encode_event(ev.NotesRevealed(circle=Circle.INNER, nids=("a", "b")))
    assert name == "notes_revealed"
    assert orjson.loads(payload) == {"circle": "inner", "nids": ["a", "b"]}
    assert orjson.loads(encode_event(ev.ItemChosen(nid=None))[1]) == {"nid": None}


def test_decoding_restores_enums_and_tuples() -> None:
    event = decode_event("notes_revealed", '{"circle":"outer","nids":["x"]}')
    assert event == ev.NotesRevealed(circle=Circle.OUTER, nids=("x",))
    assert isinstance(event, ev.NotesRevealed)
    assert event.circle is Circle.OUTER
    assert isinstance(event.nids, tuple)


def test_an_unknown_type_name_is_refused() -> None:
    with pytest.raises(UnknownEventType):
        decode_event("note_exploded", "{}")


def test_a_payload_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError, match="not a JSON object"):
        decode_event("topic_changed", '["topic"]')


def test_a_field_added_later_takes_its_default_in_events_stored_before_it() -> None:
    event = decode_event("pair_changed", '{"pid":"p1","code":"abc"}')
    assert event == ev.PairChanged(pid="p1", code="abc", left=None)


def test_a_payload_missing_a_field_without_a_default_is_refused() -> None:
    with pytest.raises(ValueError, match="topic_changed"):
        decode_event("topic_changed", "{}")
