"""Speed trend from the measured trajectory: slope of a line fitted to per-frame speeds."""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import speeds, target, unknown_query

# Relative change of the fitted speed over the clip: above +CLEAR is accelerating, below
# -CLEAR decelerating, within +-FLAT constant; anything between is too close to call.
CLEAR = 0.25
FLAT = 0.1


def speed_trend(obs: Observation, fps: float) -> str:
    v = speeds(obs, fps)
    t = (np.arange(len(v)) + 0.5) / fps
    slope, intercept = np.polyfit(t, v, 1)
    change = slope * (t[-1] - t[0]) / max(float(v.mean()), 1e-9)
    if change > CLEAR:
        return "accelerating"
    if change < -CLEAR:
        return "decelerating"
    if abs(change) <= FLAT:
        return "constant"
    raise AuditError(f"speed changes by {change:+.0%}: too close to call from the pixels")


@register_auditor("speed_change")
def audit_speed(record: dict[str, Any], observations: list[Observation]) -> Any:
    _, obs = target(record, observations)
    trend = speed_trend(obs, record["video"]["fps"])
    kind = record["query"]["kind"]
    if kind == "speed_trend":
        return trend
    if kind == "faster_at_end":
        return "yes" if trend == "accelerating" else "no"
    raise unknown_query(record)
