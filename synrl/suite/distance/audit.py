"""Distances from measured centroids in the first and last frames: the closest or farthest
pair of objects, and how the distance between two objects changed."""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.when import asked_event, meeting_time, register_when_auditor
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


# -- "when" questions: each object's motion and the pair's getting closer or apart --------

# An object moves when it gets this far (px) from where it rested; its centroid jitters by
# about a tenth of that at rest.
LEAVE_PX = 0.8
# A motion shorter than this (px) has no visible start or stop (some generated objects
# creep a few pixels over the whole motion).
MIN_TRAVEL_PX = 5.0


def motion_interval(obs: Observation, fps: float) -> tuple[float, float] | None:
    """(start_s, end_s) of an object's one straight motion between two rests, where the
    lines fitted to the rest and to the motion meet; None if it does not move."""
    points = np.stack([obs.x, obs.y], axis=1)
    if np.isnan(points).any():
        raise AuditError("an object is missing from some frames")
    t = np.arange(len(points)) / fps
    first = np.hypot(*(points - points[:3].mean(axis=0)).T)
    last = np.hypot(*(points - points[-3:].mean(axis=0)).T)
    travel = float(np.hypot(*(points[-3:].mean(axis=0) - points[:3].mean(axis=0))))
    if 0 < travel < MIN_TRAVEL_PX and (first > LEAVE_PX).any():
        raise AuditError(f"an object moves only {travel:.1f} px: when it starts or stops is "
                         "not visible")
    away = np.flatnonzero(first > LEAVE_PX)
    back = np.flatnonzero(last > LEAVE_PX)
    if not away.size or not back.size:
        return None
    a, b = int(away[0]), int(back[-1])
    if b - a < 6:
        raise AuditError("a motion too short to time")
    n = len(t)
    start = meeting_time(t, points, np.arange(max(0, a - 6), a - 1) if a >= 3 else
                         np.arange(0, a), np.arange(a + 1, a + 7))
    end = meeting_time(t, points, np.arange(b - 6, b), np.arange(b + 2, min(n, b + 8))
                       if b + 3 < n else np.arange(b + 1, n))
    return start, end


@register_when_auditor("distance")
def when_distance(record: dict[str, Any], observations: list[Observation]) -> list:
    """A motion (or its start or end, for a motion over most of the clip) from where the
    object leaves and reaches its rests; a pair gets closer or farther while either moves,
    the way its measured distance went."""
    event = asked_event(record)
    fps = record["video"]["fps"]
    by_id = {track["id"]: obs for track, obs in zip(record["tracks"], observations)}
    if event["type"] == "move":
        found = motion_interval(by_id[event["object"]], fps)
        return [found] if found else []
    if event["type"] == "distance_change":
        a, b = (by_id[o] for o in event["objects"])
        moves = [m for m in (motion_interval(a, fps), motion_interval(b, fps)) if m]
        trend = distance_trend(record | {"query": {"object": event["objects"][0],
                                                   "reference": event["objects"][1]}},
                               observations)
        if not moves or trend != event["trend"]:
            return []
        return [(min(m[0] for m in moves), max(m[1] for m in moves))]
    raise AuditError(f"no pixel timing for {event['type']!r} events")
