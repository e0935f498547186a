"""Relative position from measured centroids: the dominant axis of the subject-minus-
reference offset in the first and last frames, and sign changes of the offset along the
direction the two move apart or together."""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.when import asked_event, register_when_auditor, track_and_observation
from synrl.audit.common import target, unknown_query

# The dominant offset must exceed the other by this factor (generated: at least 1.8).
MIN_DOMINANCE = 1.3
# An offset must leave this band around zero (px) to count as being on one side.
SIDE_BAND_PX = 2.0


def pair(record: dict[str, Any], observations: list[Observation]) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame offset (dx, dy) of the subject from the reference."""
    _, subject = target(record, observations)
    reference_id = record["query"]["reference"]
    for track, obs in zip(record["tracks"], observations):
        if track["id"] == reference_id:
            if not obs.found.all():
                raise AuditError(f"{reference_id} is missing from {int((~obs.found).sum())} "
                                 "frames")
            return subject.x - obs.x, subject.y - obs.y
    raise AuditError(f"query names {reference_id!r}, which has no track")


def relation(dx: float, dy: float) -> str:
    big, small = max(abs(dx), abs(dy)), min(abs(dx), abs(dy))
    if big < MIN_DOMINANCE * small:
        raise AuditError(f"offset ({dx:.1f}, {dy:.1f}) px is too close to diagonal to name")
    if abs(dx) > abs(dy):
        return "left" if dx < 0 else "right"
    return "above" if dy < 0 else "below"


def side_changes(offset: np.ndarray) -> int:
    """How many times an offset crosses from one side of zero to the other."""
    sides = np.sign(offset[np.abs(offset) > SIDE_BAND_PX])
    return int(np.count_nonzero(sides[1:] != sides[:-1]))


@register_auditor("relative_position")
def audit_relative_position(record: dict[str, Any], observations: list[Observation]) -> Any:
    dx, dy = pair(record, observations)
    kind = record["query"]["kind"]
    start, end = (0, -1)
    if kind == "relation_start":
        return relation(dx[start], dy[start])
    if kind == "relation_end":
        return relation(dx[end], dy[end])
    if kind == "relation_change":
        return [relation(dx[start], dy[start]), relation(dx[end], dy[end])]
    if kind == "passed":
        # The objects pass along the axis on which their offset varies most.
        along = dx if np.ptp(dx) >= np.ptp(dy) else dy
        return "yes" if side_changes(along) else "no"
    raise unknown_query(record)


@register_when_auditor("relative_position")
def when_relative_position(record: dict[str, Any], observations: list[Observation]) -> list:
    """Passes of the subject by the reference: where their offset along the pass axis
    crosses zero (linear between the two frames around the crossing)."""
    event = asked_event(record)
    if event["type"] != "pass":
        raise AuditError(f"no pixel timing for {event['type']!r} events")
    _, subject = track_and_observation(record, observations, event["object"])
    _, reference = track_and_observation(record, observations, event["reference"])
    axis = event["axis"]
    offset = getattr(subject, axis) - getattr(reference, axis)
    fps = record["video"]["fps"]
    # Crossings between frames clearly on either side (outside SIDE_BAND_PX): the offset
    # is fitted by a line over the frames in between and the band's edges.
    out = []
    sides = np.flatnonzero(np.abs(offset) > SIDE_BAND_PX)
    for a, b in zip(sides, sides[1:]):
        if np.sign(offset[a]) != np.sign(offset[b]):
            frames = np.arange(a, b + 1)
            slope, intercept = np.polyfit(frames, offset[frames], 1)
            out.append(float(-intercept / slope) / fps)
    return out
