"""The serving process freezes what exists at start and collects less often, but still collects."""

from __future__ import annotations

import gc
import weakref

import pytest

from app.ops import gc_tuning

pytestmark = pytest.mark.usefixtures("restored_gc")


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_objects_that_exist_at_start_are_frozen_and_collections_run_less_often() -> None:
    gc.unfreeze()
    gc_tuning.tune_for_serving()
    assert gc.get_freeze_count() > 1000  # modules, classes, functions of the app and its libraries
    assert gc.get_threshold() == (gc_tuning.YOUNG_THRESHOLD, *gc_tuning.OLDER_THRESHOLDS)
    assert gc_tuning.YOUNG_THRESHOLD > 700  # Python's default


def test_cycles_made_while_serving_are_still_collected() -> None:
    gc_tuning.tune_for_serving()
    assert gc.isenabled()
    node = _cycle()
    assert node() is not None  # a cycle: reference counting alone never frees it
    gc.collect()
    assert node() is None


def test_garbage_that_exists_at_start_is_collected_before_the_freeze() -> None:
    gc.unfreeze()
    node = _cycle()
    gc_tuning.tune_for_serving()
    assert node() is None  # not frozen forever
