"""Spin from the measured orientation of a T or L shape (principal axis, unwrapped)."""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.audit import register_auditor
from synrl.audit.observe import Observation, unwrap_axis_angle
from synrl.audit.when import asked_event, register_when_auditor
from synrl.audit.common import target, unknown_query

# Less total rotation than this is "not spinning" (measurement noise is ~1 degree).
STILL_DEGREES = 30.0


def total_rotation(obs: Observation) -> float:
    """Signed degrees turned over the clip, counter-clockwise positive."""
    cumulative = unwrap_axis_angle(obs.axis_angle)
    return float(cumulative[-1]) if cumulative.size else 0.0


@register_auditor("rotation")
def audit_rotation(record: dict[str, Any], observations: list[Observation]) -> Any:
    _, obs = target(record, observations)
    degrees = total_rotation(obs)
    if abs(degrees) < STILL_DEGREES:
        spin = "none"
    else:
        spin = "counter-clockwise" if degrees > 0 else "clockwise"
    kind = record["query"]["kind"]
    if kind == "spin_direction":
        return spin
    if kind == "spins_clockwise":
        return "yes" if spin == "clockwise" else "no"
    if kind == "full_turns":
        return int(abs(degrees) // 360)
    raise unknown_query(record)


@register_when_auditor("rotation")
def when_rotation(record: dict[str, Any], observations: list[Observation]) -> list:
    """The moment of the asked full turn: when the unwrapped orientation has turned
    360 * turn degrees from the first frame (linear between the two frames around it)."""
    _, obs = target(record, observations)
    event = asked_event(record)
    seen = ~np.isnan(obs.axis_angle)
    cumulative = np.abs(unwrap_axis_angle(obs.axis_angle))
    times = np.flatnonzero(seen) / record["video"]["fps"]
    goal = 360.0 * int(event["turn"])
    above = np.flatnonzero(cumulative >= goal)
    if not above.size or above[0] == 0:
        return []
    k = int(above[0])
    share = (goal - cumulative[k - 1]) / (cumulative[k] - cumulative[k - 1])
    return [float(times[k - 1] + share * (times[k] - times[k - 1]))]
