"""The room's `replace()` makes what `dataclasses.replace` makes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from app.room import state
from app.room.frozen import fast_replace, replace
from app.room.state import Circle, Note, RoomState

RECORDS = [
    cls
    for cls in vars(state).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == state.__name__
]


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_every_field_of_every_room_record_is_copied_or_changed(cls: type) -> None:
    fields = dataclasses.fields(cls)
    # An instance whose every field holds a value of its own, so none can be mixed up.
    original = cls(*(object() for _ in fields))
    for changed in fields:
        new = object()
        copy = fast_replace(original, **{changed.name: new})
        assert copy is not original and type(copy) is cls
        for f in fields:
            expected = new if f is changed else getattr(original, f.name)
            assert getattr(copy, f.name) is expected
        assert copy == dataclasses.replace(original, **{changed.name: new})


def test_it_is_the_replace_the_room_uses() -> None:
    assert replace is fast_replace


def test_a_changed_note_and_state_equal_what_dataclasses_make() -> None:
    note = Note("n1", "p1", Circle.INNER, "Goed gedaan", order=1)
    room = RoomState(room_id="r", notes={"n1": note})
    assert fast_replace(note, text="Beter") == dataclasses.replace(note, text="Beter")
    assert fast_replace(room, seq=7, topic="T") == dataclasses.replace(room, seq=7, topic="T")
    assert note.text == "Goed gedaan" and room.seq == 0  # the originals stay as they were


def test_an_unknown_field_is_a_type_error_that_names_it() -> None:
    with pytest.raises(TypeError, match="'txt'"):
        fast_replace(RoomState(), txt="x")


def test_a_class_whose_init_skips_a_field_is_left_to_dataclasses() -> None:
    @dataclass(frozen=True)
    class Counted:
        name: str
        count: int = field(default=0, init=False)

    assert fast_replace(Counted("a"), name="b") == Counted("b")
    with pytest.raises(ValueError, match="init=False"):
        fast_replace(Counted("a"), count=1)


def test_a_class_of_one_field() -> None:
    @dataclass(frozen=True, slots=True)
    class One:
        value: int

    assert fast_replace(One(1), value=2) == One(2)
    assert fast_replace(One(1)) == One(1)
