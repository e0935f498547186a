"""Changes over time shared by the short-term tasks whose objects change (attribute_change,
event_order): when the changes happen, and which colours a viewer confuses."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from synrl.scene import PALETTE
from synrl.suite.base import TaskError

EDGE_S = 0.45  # no change this close to the start or the end of the clip


def change_times(rng: np.random.Generator, count: int, duration: float, min_gap: float,
                 edge: float = EDGE_S) -> list[float]:
    """`count` sorted times in [edge, duration - edge], at least `min_gap` apart."""
    room = duration - 2 * edge - (count - 1) * min_gap
    if room < 0:
        raise TaskError(f"{count} changes do not fit in {duration:.1f} s; use a longer "
                        "duration or lower difficulty")
    free = np.sort(rng.uniform(0, room, size=count))
    return [float(edge + f + i * min_gap) for i, f in enumerate(free)]


def nearest_colors(color: str, candidates: Sequence[str]) -> list[str]:
    """`candidates` other than `color`, nearest in RGB first."""
    return sorted((c for c in candidates if c != color),
                  key=lambda c: math.dist(PALETTE[c], PALETTE[color]))
