"""Greedy line breaking of styled text, for the PDF.

fpdf2's own line breaking measures every character of every candidate line again, which made a
summary of 60 long notes take seconds; here each word is measured once (the caller caches) and
lines are filled word by word. A word wider than a whole line is broken between letters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Segment = tuple[str, str]
"""A run of text in one style: (style, text); the style is fpdf2's ("", "B", "I")."""

Measure = Callable[[str, str], float]
"""The width of (style, text) in the size being set."""

_TOKENS = re.compile(r"\S+|\s+")


def wrap(segments: Sequence[Segment], width: float, measure: Measure) -> list[list[Segment]]:
    """The segments as lines no wider than `width` (a line with one too-wide letter excepted)."""
    lines: list[list[Segment]] = []
    line: list[Segment] = []
    used = 0.0
    space: Segment | None = None
    for style, text in segments:
        for token in _TOKENS.findall(text.replace("\r", "")):
            if token.isspace():
                space = (style, " ") if line else None
                continue
            extra = measure(*space) if space is not None else 0.0
            size = measure(style, token)
            if used + extra + size <= width:
                if space is not None:
                    line.append(space)
                line.append((style, token))
                used += extra + size
            else:
                if line:
                    lines.append(line)
                line, used = [], 0.0
                for piece in _break_word(style, token, width, measure):
                    if line:
                        lines.append(line)
                    line, used = [(style, piece)], measure(style, piece)
            space = None
    if line:
        lines.append(line)
    return [_merge(line) for line in lines]


def _break_word(style: str, word: str, width: float, measure: Measure) -> list[str]:
    if measure(style, word) <= width:
        return [word]
    pieces: list[str] = []
    rest = word
    while rest:
        cut = len(rest)
        while cut > 1 and measure(style, rest[:cut]) > width:
            cut -= 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces


def _merge(line: list[Segment]) -> list[Segment]:
    """Neighbouring segments of one style as one, so a line is drawn in few pieces."""
    merged: list[Segment] = []
    for style, text in line:
        if merged and merged[-1][0] == style:
            merged[-1] = (style, merged[-1][1] + text)
        else:
            merged.append((style, text))
    return merged


def line_width(line: Sequence[Segment], measure: Measure) -> float:
    return sum(measure(style, text) for style, text in line)


def clip(
    lines: Sequence[list[Segment]], keep: int, width: float, measure: Measure, ellipsis: str
) -> list[list[Segment]]:
    """The first `keep` lines; when some were dropped, the last kept one ends in `ellipsis`."""
    if len(lines) <= keep:
        return [list(line) for line in lines]
    kept = [list(line) for line in lines[:keep]]
    last = kept[-1]
    style = last[-1][0]
    while last and line_width([*last, (style, ellipsis)], measure) > width:
        tail_style, tail = last[-1]
        tail = tail[:-1].rstrip()
        if tail:
            last[-1] = (tail_style, tail)
        else:
            last.pop()
    last.append((style, ellipsis))
    return kept
