"""Line breaking for the PDF, with every letter one unit wide (two in bold)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.summary.wrap import Segment, clip, line_width, wrap


def measure(style: str, text: str) -> float:
    return len(text) * (2.0 if style == "strong" else 1.0)


def texts(lines: list[list[Segment]]) -> list[str]:
    return ["".join(text for _, text in line) for line in lines]


def test_words_fill_lines_and_styles_stay_with_their_words() -> None:
    lines = wrap([("plain", "een twee drie "), ("strong", "vier"), ("plain", " vijf")], 13, measure)
    assert texts(lines) == ["een twee drie", "vier vijf"]
    assert lines[1] == [("strong", "vier"), ("plain", " vijf")]


def test_a_word_wider_than_a_line_is_broken_between_letters() -> None:
    assert texts(wrap([("plain", "a abcdefghijkl b")], 5, measure)) == [
        "a",
        "abcde",
        "fghij",
        "kl b",
    ]


def test_white_space_and_line_breaks_become_single_spaces() -> None:
    assert texts(wrap([("plain", "  een\n\ntwee\r\n ")], 20, measure)) == ["een twee"]
    assert wrap([("plain", "   ")], 20, measure) == []


def test_clip_ends_what_was_cut_with_an_ellipsis_that_fits() -> None:
    lines = wrap([("plain", "een twee drie vier")], 9, measure)
    assert texts(clip(lines, 1, 9, measure, "…")) == ["een twee…"]
    assert texts(clip(lines, 1, 5, measure, "…")) == ["een…"]
    assert texts(clip(lines, 5, 9, measure, "…")) == texts(lines), "nothing cut, no ellipsis"


@given(
    st.lists(
        st.tuples(st.sampled_from(["plain", "strong"]), st.text("ab \n", max_size=30)),
        max_size=6,
    ),
    st.integers(min_value=2, max_value=20),
)
def test_no_line_is_wider_than_the_width_and_no_letter_is_lost(
    segments: list[Segment], width: int
) -> None:
    lines = wrap(segments, width, measure)
    assert all(line_width(line, measure) <= width for line in lines)
    letters = "".join(text for _, text in segments).replace(" ", "").replace("\n", "")
    assert "".join(texts(lines)).replace(" ", "") == letters
