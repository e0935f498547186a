"""Wall contacts from the measured trajectory: a turning point of one coordinate whose
extrapolated peak lies one radius from a wall."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from synrl.audit import register_auditor
from synrl.audit.observe import Observation
from synrl.audit.when import contacts_named_like, register_when_auditor
from synrl.audit.common import target, unknown_query

FIT_FRAMES = 4
# How far (px) the extrapolated turning point may be from "touching the wall".
WALL_TOLERANCE = 2.0


def _line(t: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    slope, intercept = np.polyfit(t, v, 1)
    return float(intercept), float(slope)


def axis_contacts(series: np.ndarray, low_limit: float, high_limit: float,
                  fps: float) -> list[tuple[float, str]]:
    """(time, "min" | "max") of every bounce seen along one axis."""
    contacts = []
    n = len(series)
    t = np.arange(n) / fps
    for k in range(FIT_FRAMES, n - FIT_FRAMES):
        window = series[k - 3 : k + 4]
        for side, pick in (("max", np.argmax), ("min", np.argmin)):
            if pick(window) != 3:
                continue
            before, after = slice(k - FIT_FRAMES, k), slice(k + 1, k + 1 + FIT_FRAMES)
            a1, b1 = _line(t[before], series[before])
            a2, b2 = _line(t[after], series[after])
            if abs(b1 - b2) < 1e-6 or np.sign(b1) == np.sign(b2):
                continue  # not a reversal
            at = (a2 - a1) / (b1 - b2)
            peak = a1 + b1 * at
            limit = high_limit if side == "max" else low_limit
            if abs(peak - limit) <= WALL_TOLERANCE:
                contacts.append((at, side))
    return contacts


def wall_contacts(record: dict[str, Any], obs: Observation) -> list[tuple[float, str]]:
    """(time, wall) of every wall contact of the observed object, in time order."""
    x0, y0, x1, y1 = record["scene"]["arena"]
    radius = math.sqrt(float(np.median(obs.area)) / math.pi)
    fps = record["video"]["fps"]
    found = []
    for series, low, high, names in ((obs.x, x0, x1, ("left", "right")),
                                     (obs.y, y0, y1, ("top", "bottom"))):
        for at, side in axis_contacts(series, low + radius, high - radius, fps):
            found.append((at, names[0] if side == "min" else names[1]))
    return sorted(found)


@register_auditor("collision_count")
def audit_collision(record: dict[str, Any], observations: list[Observation]) -> Any:
    _, obs = target(record, observations)
    contacts = wall_contacts(record, obs)
    kind = record["query"]["kind"]
    if kind == "first_wall":
        return contacts[0][1] if contacts else None
    if kind == "wall_contacts":
        return sum(wall in record["query"]["walls"] for _, wall in contacts)
    raise unknown_query(record)


# "When" questions ask for the wall contacts: a reversal of one coordinate next to a wall.
register_when_auditor("collision_count")(contacts_named_like)
