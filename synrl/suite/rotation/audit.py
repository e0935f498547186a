"""Spin from the measured orientation of a T or L shape (principal axis, unwrapped)."""

from __future__ import annotations

from typing import Any

from synrl.audit import register_auditor
from synrl.audit.observe import Observation, unwrap_axis_angle
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
