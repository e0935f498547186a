"""Movement legs from the measured trajectory: the dominant direction of each frame-to-frame
step, as runs."""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.when import asked_event, register_when_auditor, turns
from synrl.audit.common import target, unknown_query

MIN_STEP_PX = 0.3
MIN_RUN_FRAMES = 3


def legs(obs: Observation) -> list[str]:
    """Directions of motion in order ("up", "down", "left", "right")."""
    dx, dy = np.diff(obs.x), np.diff(obs.y)
    labels = []
    for sx, sy in zip(dx, dy):
        if np.hypot(sx, sy) < MIN_STEP_PX:
            labels.append(None)
        elif abs(sx) >= abs(sy):
            labels.append("right" if sx > 0 else "left")
        else:
            labels.append("down" if sy > 0 else "up")
    runs: list[list] = []
    for label in labels:
        if runs and runs[-1][0] == label:
            runs[-1][1] += 1
        else:
            runs.append([label, 1])
    out: list[str] = []
    for label, length in runs:
        if label is not None and length >= MIN_RUN_FRAMES and (not out or out[-1] != label):
            out.append(label)
    return out


@register_auditor("direction")
def audit_direction(record: dict[str, Any], observations: list[Observation]) -> Any:
    _, obs = target(record, observations)
    observed = legs(obs)
    kind = record["query"]["kind"]
    if kind == "path":
        return observed
    if kind == "final_direction":
        return observed[-1] if observed else None
    raise unknown_query(record)


# -- "when" questions: each leg of the path and each turn --------------------------------

# The task turns by 90 or 180 degrees; centroid noise bends a straight leg by a few.
TURN_DEGREES = 45.0


def heading_name(dx: float, dy: float) -> str:
    if abs(dx) >= abs(dy):
        return "right" if dx > 0 else "left"
    return "down" if dy > 0 else "up"


@register_when_auditor("direction")
def when_direction(record: dict[str, Any], observations: list[Observation]) -> list:
    """Turns where the fitted straight legs meet; a leg runs from one turn (or the clip's
    start) to the next (or the clip's end) and is named by its measured heading."""
    _, obs = target(record, observations)
    fps = record["video"]["fps"]
    duration = record["video"]["duration_ms"] / 1000.0
    bounds = [0.0] + [at for at, _ in turns(obs, fps, TURN_DEGREES)] + [duration]
    frames = np.arange(len(obs.x)) / fps
    legs = []
    for a, b in zip(bounds, bounds[1:]):
        inside = np.flatnonzero((frames > a) & (frames < b) & obs.found)
        if inside.size < 2:
            raise AuditError(f"no frames to measure the leg between {a:.2f} and {b:.2f} s")
        legs.append((heading_name(obs.x[inside[-1]] - obs.x[inside[0]],
                                  obs.y[inside[-1]] - obs.y[inside[0]]), a, b))
    event = asked_event(record)
    if event["type"] == "move":
        return [(a, b) for way, a, b in legs if way == event["direction"]]
    if event["type"] == "direction_change":
        return [b for (one, _, b), (two, _, _) in zip(legs, legs[1:])
                if (one, two) == (event["from"], event["to"])]
    raise AuditError(f"no pixel timing for {event['type']!r} events")
