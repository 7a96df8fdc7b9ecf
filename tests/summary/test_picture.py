"""Where notes go in the printed circles: every box inside its own circle, none overlapping, and
no more than MAX_NOTES_IN_PICTURE drawn."""

from __future__ import annotations

import itertools
import math

import pytest

from app.summary import picture
from app.summary.picture import MAX_NOTES_IN_PICTURE, PADDING, Box, layout, quotas


def distances(box: Box) -> tuple[float, float]:
    """The nearest and farthest points of a box from the centre."""
    near_x = min(abs(box.x), abs(box.x + box.w)) if box.x > 0 or box.x + box.w < 0 else 0.0
    near_y = min(abs(box.y), abs(box.y + box.h)) if box.y > 0 or box.y + box.h < 0 else 0.0
    far = max(math.hypot(x, y) for x, y in box.corners())
    return math.hypot(near_x, near_y), far


COUNTS = [(0, 0), (1, 0), (0, 1), (1, 1), (3, 8), (12, 12), (20, 40), (5, 55), (40, 20), (30, 30)]


@pytest.mark.parametrize(("inner", "outer"), COUNTS)
def test_every_note_up_to_the_limit_gets_a_box_inside_its_circle(inner: int, outer: int) -> None:
    drawn = layout(inner, outer)
    assert (len(drawn.inner), len(drawn.outer)) == (inner, outer)
    for box in drawn.inner:
        assert distances(box)[1] <= drawn.inner_radius - PADDING + 1e-9
    for box in drawn.outer:
        near, far = distances(box)
        assert near >= drawn.inner_radius + PADDING - 1e-9
        assert far <= drawn.outer_radius - PADDING + 1e-9
    for a, b in itertools.combinations([*drawn.inner, *drawn.outer], 2):
        assert not a.overlaps(b)


def test_boxes_stay_readable_at_the_limit() -> None:
    drawn = layout(MAX_NOTES_IN_PICTURE // 3, MAX_NOTES_IN_PICTURE - MAX_NOTES_IN_PICTURE // 3)
    assert min(b.w for b in (*drawn.inner, *drawn.outer)) >= picture.MIN_BOX_WIDTH


def test_more_than_the_limit_draws_the_limit_shared_fairly() -> None:
    assert MAX_NOTES_IN_PICTURE == 60
    assert quotas(10, 20) == (10, 20)
    assert quotas(30, 40) == (26, 34)
    assert quotas(1, 100) == (1, 59), "a lone inner note is still drawn"
    assert quotas(0, 100) == (0, 60)
    drawn = layout(MAX_NOTES_IN_PICTURE, MAX_NOTES_IN_PICTURE)
    assert len(drawn.inner) + len(drawn.outer) == MAX_NOTES_IN_PICTURE


def test_slots_come_in_reading_order() -> None:
    drawn = layout(9, 0)
    rows = [round(b.y, 6) for b in drawn.inner]
    assert rows == sorted(rows)
    for row in set(rows):
        xs = [b.x for b in drawn.inner if round(b.y, 6) == row]
        assert xs == sorted(xs)
