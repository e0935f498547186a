"""Distances from measured centroids in the first and last frames: the closest or farthest
pair of objects, and how the distance between two objects changed."""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import unknown_query

# The extreme pair must stand out from the runner-up by this factor (generated: >= 1.12).
MIN_STAND_OUT = 1.04
# End/start distance ratios: below CLOSER is closer, above 1/CLOSER farther, within SAME of
# 1 the same (generated: <= 0.78, >= 1.28, exactly 1).
CLOSER = 0.9
SAME = 0.04


def centres(record: dict[str, Any], observations: list[Observation],
            frame: int) -> dict[str, tuple[float, float]]:
    out = {}
    for track, obs in zip(record["tracks"], observations):
        if not obs.found[frame]:
            raise AuditError(f"{track['id']} is not visible in frame {frame}")
        out[track["id"]] = (float(obs.x[frame]), float(obs.y[frame]))
    return out


def measured_pair(points: dict[str, tuple[float, float]], which: str) -> list[str]:
    ranked = sorted((math.dist(points[a], points[b]), [a, b])
                    for a, b in combinations(sorted(points, key=lambda i: int(i[3:])), 2))
    if which == "farthest":
        ranked = ranked[::-1]
    (d1, best), (d2, _) = ranked[0], ranked[1]
    if max(d1, d2) < MIN_STAND_OUT * min(d1, d2):
        raise AuditError(f"the {which} pair is not clear: {d1:.1f} px vs {d2:.1f} px")
    return best


def distance_trend(record: dict[str, Any], observations: list[Observation]) -> str:
    query = record["query"]
    first = centres(record, observations, 0)
    last = centres(record, observations, record["video"]["num_frames"] - 1)
    a, b = query["object"], query["reference"]
    ratio = math.dist(last[a], last[b]) / math.dist(first[a], first[b])
    if ratio < CLOSER:
        return "closer"
    if ratio > 1 / CLOSER:
        return "farther"
    if abs(ratio - 1) <= SAME:
        return "same"
    raise AuditError(f"the distance changes by a factor {ratio:.2f}: too close to call")


@register_auditor("distance")
def audit_distance(record: dict[str, Any], observations: list[Observation]) -> Any:
    query = record["query"]
    kind = query["kind"]
    if kind in ("closest_pair", "farthest_pair"):
        frame = 0 if query["moment"] == "start" else record["video"]["num_frames"] - 1
        return measured_pair(centres(record, observations, frame), kind.split("_")[0])
    if kind == "distance_trend":
        return distance_trend(record, observations)
    if kind == "got_closer":
        return "yes" if distance_trend(record, observations) == "closer" else "no"
    raise unknown_query(record)
