"""Speed comparisons from the measured trajectories: each object's median frame-to-frame
speed over the frames where nothing drawn above it overlaps it."""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.when import contacts_named_like, register_when_auditor
from synrl.audit.common import unknown_query

# Steps measured on at least this many clean frame pairs; the clips have 90+ frames and
# overlaps last a few frames each.
MIN_CLEAN_STEPS = 20


def median_speed(obs: Observation, fps: float) -> float:
    """Speed (px/s) of an object moving at constant speed. The median ignores the few steps
    that straddle a bounce (the chord cuts the corner) or an overlap."""
    clean = obs.found & ~obs.occluded
    usable = clean[1:] & clean[:-1]
    if usable.sum() < MIN_CLEAN_STEPS:
        raise AuditError(f"only {int(usable.sum())} clean frame pairs to measure a speed on")
    steps = np.hypot(np.diff(obs.x), np.diff(obs.y))[usable]
    return float(np.median(steps)) * fps


@register_auditor("velocity_rank")
def audit_velocity_rank(record: dict[str, Any], observations: list[Observation]) -> Any:
    fps = record["video"]["fps"]
    by_id = {track["id"]: obs for track, obs in zip(record["tracks"], observations)}
    query = record["query"]
    missing = [oid for oid in query.get("objects", []) if oid not in by_id]
    if missing:
        raise AuditError(f"query names {', '.join(missing)}, which have no track")
    speeds = {oid: median_speed(by_id[oid], fps) for oid in query.get("objects", [])}
    fastest_first = sorted(speeds, key=speeds.__getitem__, reverse=True)
    if query["kind"] == "fastest":
        return fastest_first[0]
    if query["kind"] == "speed_ranking":
        return fastest_first
    if query["kind"] == "faster":
        first, second = query["objects"]
        return "yes" if speeds[first] > speeds[second] else "no"
    raise unknown_query(record)


# "When" questions ask for the wall contacts: a reversal of one coordinate next to a wall.
register_when_auditor("velocity_rank")(contacts_named_like)
