"""Where the notes go in the printed picture of the two circles: geometry only, in millimetres.

Theory of operation
-------------------
Each note gets a box of one size for the whole picture (width `w`, height `w * BOX_ASPECT`).
The boxes sit in rows on a grid centred on the circles' centre. For a row, the room left and
right is worked out exactly: a box must lie wholly inside its circle's area (the inner disk,
or the ring between the two circles) with `PADDING` to spare from every stroke, so no box
ever touches a circle or another box. The box width starts at `MAX_BOX_WIDTH` and shrinks in
`WIDTH_STEP`s until every note has a place; at `MIN_BOX_WIDTH` whatever does not fit is left
out of the picture (the PDF lists it under the picture). The inner circle's size follows the
share of inner notes, within `INNER_SHARE_RANGE`, so a full outer ring does not crowd out a
sparse inner circle or the other way round.

Slots come in reading order: top row first, left to right, so the picture reads like the list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

MAX_NOTES_IN_PICTURE: Final = 60
"""More notes than this are listed under the picture instead of drawn in it."""

OUTER_RADIUS: Final = 88.0
MAX_BOX_WIDTH: Final = 44.0
MIN_BOX_WIDTH: Final = 15.0
WIDTH_STEP: Final = 0.5
BOX_ASPECT: Final = 0.52
GAP: Final = 1.4
PADDING: Final = 1.6
INNER_SHARE_RANGE: Final = (0.42, 0.62)


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def corners(self) -> list[tuple[float, float]]:
        return [(self.x + dx, self.y + dy) for dx in (0, self.w) for dy in (0, self.h)]


@dataclass(frozen=True, slots=True)
class Picture:
    """Box positions relative to the circles' centre (x right, y down)."""

    outer_radius: float
    inner_radius: float
    inner: tuple[Box, ...]
    outer: tuple[Box, ...]


def quotas(inner: int, outer: int, limit: int = MAX_NOTES_IN_PICTURE) -> tuple[int, int]:
    """How many notes of each circle are drawn: all, or a fair share of `limit`."""
    total = inner + outer
    if total <= limit:
        return inner, outer
    drawn_inner = min(inner, max(1 if inner else 0, round(limit * inner / total)))
    return drawn_inner, min(outer, limit - drawn_inner)


def inner_radius(inner: int, outer: int, radius: float = OUTER_RADIUS) -> float:
    low, high = INNER_SHARE_RANGE
    share = math.sqrt(inner / (inner + outer)) if inner + outer else 0.5
    return radius * min(high, max(low, share))


def _spans(half_width: float, hole: float | None, w: float) -> list[tuple[float, float]]:
    """The x ranges in a row where whole boxes may go: [-half, half] less (-hole, hole)."""
    if half_width < w:
        return []
    if hole is None:
        return [(-half_width, half_width)]
    if half_width - hole < w:
        return []
    return [(-half_width, -hole), (hole, half_width)]


def _row_tops(limit: float, h: float) -> list[float]:
    """Rows of height h, one centred on the centre line, as far as `limit` up and down."""
    pitch = h + GAP
    count = int((limit - h / 2) // pitch)
    return [k * pitch - h / 2 for k in range(-count, count + 1)]


def slots(outside: float, hole: float | None, w: float) -> list[Box]:
    """Boxes of width w inside the disk of radius `outside`, outside the disk `hole` if any."""
    h = w * BOX_ASPECT
    out: list[Box] = []
    for top in _row_tops(outside, h):
        bottom = top + h
        far = max(abs(top), abs(bottom))
        if far >= outside:
            continue
        half_width = math.sqrt(outside**2 - far**2)
        gap_half: float | None = None
        if hole is not None:
            near = 0.0 if top <= 0 <= bottom else min(abs(top), abs(bottom))
            if near < hole:
                gap_half = math.sqrt(hole**2 - near**2)
        for left, right in _spans(half_width, gap_half, w):
            n = int((right - left + GAP) // (w + GAP))
            used = n * w + (n - 1) * GAP
            x = left + (right - left - used) / 2
            out += [Box(x + i * (w + GAP), top, w, h) for i in range(n)]
    return out


def _fit(outside: float, hole: float | None, count: int) -> list[Box]:
    if count == 0:
        return []
    w = MAX_BOX_WIDTH
    while True:
        found = slots(outside, hole, w)
        if len(found) >= count:
            return _even(found, count)
        if w - WIDTH_STEP < MIN_BOX_WIDTH:
            return found
        w -= WIDTH_STEP


def _even(found: list[Box], count: int) -> list[Box]:
    """`count` of the slots, spread over all of them rather than bunched at the top."""
    if count >= len(found):
        return found
    step = len(found) / count
    return [found[int(i * step + step / 2)] for i in range(count)]


def layout(inner: int, outer: int) -> Picture:
    """Places for the first `inner` inner notes and `outer` outer notes (after `quotas`)."""
    drawn_inner, drawn_outer = quotas(inner, outer)
    radius = inner_radius(drawn_inner, drawn_outer)
    inner_boxes = _fit(radius - PADDING, None, drawn_inner)
    outer_boxes = _fit(OUTER_RADIUS - PADDING, radius + PADDING, drawn_outer)
    return Picture(OUTER_RADIUS, radius, tuple(inner_boxes), tuple(outer_boxes))
