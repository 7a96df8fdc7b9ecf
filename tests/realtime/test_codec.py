"""Server messages in pieces: the pieces join to the message, the large piece is not copied."""

from __future__ import annotations

import orjson
import pytest

from app.realtime.codec import encode_ending_with, message_bytes


def test_a_message_ending_with_a_piece_joins_to_the_whole_message() -> None:
    notes = orjson.dumps([{"id": "n1", "text": "Goed"}])
    board = {"topic": "Onderwerp", "me": {"pid": "p"}}
    message = {"type": "snapshot", "seq": 3, "board": board}
    pieces = encode_ending_with(message, "notes", notes)
    assert isinstance(pieces, tuple) and pieces[1] is notes
    whole = orjson.loads(message_bytes(pieces))
    assert whole == {**message, "board": {**board, "notes": orjson.loads(notes)}}
    assert message_bytes(b'{"type":"pong"}') == b'{"type":"pong"}'
    quoted = encode_ending_with(message, 'say "hi"', b"1")
    assert orjson.loads(message_bytes(quoted))["board"]['say "hi"'] == 1


@pytest.mark.parametrize(
    "message",
    [
        {"type": "snapshot", "board": {}},  # no entry to follow
        {"type": "snapshot", "board": [1]},  # not an object
        {"board": {"a": 1}, "type": "snapshot"},  # the object is not the last entry
    ],
)
def test_a_message_that_does_not_end_with_a_filled_object_is_refused(
    message: dict[str, object],
) -> None:
    with pytest.raises(ValueError, match="non-empty object"):
        encode_ending_with(message, "notes", b"[]")
