"""Movement legs from the measured trajectory: the dominant direction of each frame-to-frame
step, as runs."""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.audit import register_auditor
from synrl.audit.observe import Observation
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
