"""How the serving process runs Python's cyclic garbage collector.

With Python's defaults a young collection runs every 700 net allocations and, every hundred of
those, a full collection walks every object the process holds. A serving process holds a lot of
them that never die (about 100,000 from imports and the app itself) and a few dozen per open
connection, so with a thousand phones connected a full collection took 130-330 ms on the
reference machine: everything in the process waits meanwhile, and a class of 60 joining at once
got their boards 250-300 ms late instead of 80-100 ms. Two changes, both at start:

- the objects that exist once the app is built are frozen (moved out of the collector's sight;
  they live as long as the process anyway), so a full collection walks only what came later;
- collections run less often (`YOUNG_THRESHOLD` allocations instead of 700): the handful of
  dicts and lists a message creates are freed by reference counting, and cycles are rare
  (connections, tasks), so waiting longer keeps little garbage while the collector's cost per
  delivered message drops.
"""

from __future__ import annotations

import gc
from typing import Final

YOUNG_THRESHOLD: Final = 10_000
"""Net allocations between two young collections (Python's default: 700)."""

OLDER_THRESHOLDS: Final = (10, 10)
"""Young collections per middle one, middle ones per full one (Python's defaults)."""


def tune_for_serving() -> None:
    """Freeze what exists now and collect less often; call once, after the app is built."""
    gc.collect()  # what is garbage now should not be frozen
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
