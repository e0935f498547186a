"""`blink_count` from the pixels: the number of runs of frames where the shape is seen.

Pixels only: this module imports nothing from the task (tests/test_architecture.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.audit import register_auditor
from synrl.audit.common import unknown_query
from synrl.audit.observe import Observation


@register_auditor("blink_count")
def audit_blinks(record: dict[str, Any], observations: list[Observation]) -> Any:
    if record["query"]["kind"] != "appearances":
        raise unknown_query(record)
    obs = next(o for t, o in zip(record["tracks"], observations) if t["id"] == record["query"]["object"])
    seen = obs.found.astype(int)
    return int((np.diff(np.concatenate([[0], seen])) == 1).sum())
