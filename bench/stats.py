"""Percentiles that count what never arrived as infinitely late."""

from __future__ import annotations

import math
from collections.abc import Sequence

INF = math.inf


def percentile(sorted_values: Sequence[float], q: float, total: int | None = None) -> float:
    """The ``q`` quantile (0..1, nearest rank) of ``total`` samples of which only
    ``sorted_values`` arrived; the missing ones rank above every arrived one."""
    n = len(sorted_values) if total is None else max(total, len(sorted_values))
    if n == 0:
        return math.nan
    rank = max(1, math.ceil(q * n))
    if rank > len(sorted_values):
        return INF
    return float(sorted_values[rank - 1])


def fmt_ms(value: float, digits: int = 2) -> str:
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return "lost"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


def fmt_count(value: float) -> str:
    if math.isnan(value):
        return "-"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1_000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}"
