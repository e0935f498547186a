"""Discrete movements from the measured trajectory: runs of frames in which the object
moves, separated by rests; a run that rises off the floor is a jump, a level one a slide."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from synrl.audit import register_auditor
from synrl.audit.observe import Observation
from synrl.audit.when import asked_event, register_when_auditor, track_and_observation
from synrl.audit.common import target, unknown_query

# A resting object's centroid jitters by ~0.1 px per frame after H.264; a moving one covers
# well over a pixel per frame except at the very ends of an eased slide.
STILL_STEP_PX = 0.5
# A jump's apex may look still for a frame or two; rests between movements last >= 0.3 s
# (>= 7 frames at 24 fps).
MERGE_STILL_STEPS = 3
MIN_MOVING_STEPS = 2
# Rise above the resting height, in equivalent radii, that makes a movement a jump (the
# task's jumps rise at least 20% of the arena; slides stay level to a fraction of a pixel).
JUMP_RISE_RADII = 0.5


def moving_runs(obs: Observation) -> list[tuple[int, int]]:
    """(first, last) frame of each movement, in order."""
    moving = np.hypot(np.diff(obs.x), np.diff(obs.y)) > STILL_STEP_PX
    runs: list[list[int]] = []
    for k in np.flatnonzero(moving):
        if runs and k - runs[-1][1] - 1 <= MERGE_STILL_STEPS:
            runs[-1][1] = int(k)
        else:
            runs.append([int(k), int(k)])
    # Step k joins frames k and k + 1.
    return [(a, b + 1) for a, b in runs if b - a + 1 >= MIN_MOVING_STEPS]


def movements(obs: Observation) -> list[str]:
    """"jump" or "slide" for each movement of the object, in order."""
    radius = math.sqrt(float(np.median(obs.area)) / math.pi)
    kinds = []
    for first, last in moving_runs(obs):
        rise = obs.y[first] - float(np.min(obs.y[first : last + 1]))
        kinds.append("jump" if rise > JUMP_RISE_RADII * radius else "slide")
    return kinds


@register_auditor("motion_count")
def audit_motion_count(record: dict[str, Any], observations: list[Observation]) -> Any:
    _, obs = target(record, observations)
    kinds = movements(obs)
    query = record["query"]
    if query["kind"] == "motion_count":
        return sum(k in query["motions"] for k in kinds)
    if query["kind"] == "first_motion":
        return kinds[0] if kinds else None
    raise unknown_query(record)


@register_when_auditor("motion_count")
def when_motion_count(record: dict[str, Any], observations: list[Observation]) -> list:
    """Each jump or slide from the last frame at rest before it to the first frame at rest
    after it (`moving_runs`: step k joins frames k and k + 1)."""
    event = asked_event(record)
    _, obs = track_and_observation(record, observations, event["object"])
    fps = record["video"]["fps"]
    runs = moving_runs(obs)
    return [(first / fps, last / fps) for (first, last), kind in zip(runs, movements(obs))
            if kind == event["type"]]
