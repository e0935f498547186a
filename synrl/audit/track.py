"""Pixel audit of tracking records (``query.kind == "track"``).

The tracked object is found by its colour in the decoded frames (:func:`observe`, which
never reads the record's boxes); its measured extent (pixels at least half covered) in the
first frame must be the box the question gives, and in every asked frame the answer's box.
A record passes when no box is below :data:`MIN_BOX_IOU`: the measured extent has no bias
but is a pixel off per side now and then after encoding (a 25 px box off by one pixel on
every side keeps IoU 0.85), while the wrong object, or the right one half a second early or
late, overlaps far less. The mean over a task's records is what the audit table reports
(on 50 records per short-term task: see the README).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.answers import box_iou
from synrl.audit.observe import Observation

MIN_BOX_IOU = 0.7


def is_track(record: dict[str, Any]) -> bool:
    return (record.get("query") or {}).get("kind") == "track"


def measured_box(observation: Observation, frame: int) -> list[float] | None:
    if (observation.box is None or not 0 <= frame < len(observation.box)
            or np.isnan(observation.box[frame]).any()):
        return None
    return [round(float(v), 2) for v in observation.box[frame]]


def check_track(result: Any, record: dict[str, Any], observations: list[Observation]) -> Any:
    """Fill ``result`` (a SampleAudit) with the verdict on a tracking record."""
    query = record["query"]
    index = [t["id"] for t in record["tracks"]].index(query["object"])
    observation = observations[index]
    frames = [0] + [int(f) for f in query["frames"]]
    expected = [query["first_box"]] + [list(b) for b in record["answer_value"]]
    derived = [measured_box(observation, f) for f in frames]
    result.expected, result.derived = expected, derived
    missing = [f for f, box in zip(frames, derived) if box is None]
    if missing:
        result.status = "mismatch"
        result.message = f"the tracked object is not seen in frame(s) {missing}"
        return result
    ious = [box_iou(d, e) for d, e in zip(derived, expected)]
    result.box_ious = [round(v, 4) for v in ious]
    if min(ious) < MIN_BOX_IOU:
        worst = int(np.argmin(ious))
        result.status = "mismatch"
        result.message = (f"box IoU mean {np.mean(ious):.3f}, lowest {ious[worst]:.3f} in frame "
                          f"{frames[worst]}: pixels {derived[worst]}, record {expected[worst]}")
    return result


__all__ = ["MIN_BOX_IOU", "check_track", "is_track", "measured_box"]
