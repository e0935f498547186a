"""Path shape from the measured centroid trace.

An open path makes steady progress along its main axis: it is a straight line if it hardly
swings sideways, a zigzag if it swings in straight legs, a wave if the legs are curved. A
closed path turns all the way round its centre: a circle if it keeps to its best-fitting
circle, a square otherwise (the only other loop the task draws).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.when import (asked_event, contacts_named_like, register_when_auditor,
                              track_and_observation, turns)
from synrl.audit.common import target, unknown_query

# Share of frame-to-frame steps along the main axis that must go the same way for a path to
# be open (a loop goes both ways about half of the time each).
MONOTONE = 0.95
MIN_AXIS_STEP_PX = 0.2
# Sideways range over axis length below which an open path is a straight line; the task's
# zigzags and waves swing at least 0.16 of their length.
LINE_SWING = 0.04
# Cubic (S-shape) coefficient of a leg over half its sideways swing (see `leg_bend`):
# measured <= 0.05 on zigzag legs and >= 0.19 on the half sines of waves, at 320x240 too.
STRAIGHT_LEG = 0.1
LEG_MARGIN_FRAMES = 2  # frames next to a turn that may sit on the neighbouring leg
# Radial RMS over radius of a loop's best-fitting circle: a drawn circle measures < 0.01,
# a square ~0.1.
ROUND = 0.03
SQUARE = 0.05
MIN_SWEEP_DEG = 330.0
# A path returns to its start if, after getting at least half its farthest distance away,
# it comes back within this share of that farthest distance.
RETURN_SHARE = 0.12


def principal_axes(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of the points along the main axis of their spread and across it."""
    centred = xy - xy.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov(centred.T))
    return centred @ vectors[:, 1], centred @ vectors[:, 0]


def turning_points(v: np.ndarray, threshold: float) -> list[int]:
    """Frames where `v` reverses after moving by more than `threshold` (hysteresis), in
    order; the clip's first and last frames are never turning points."""
    found: list[int] = []
    trend, ref, low, high = 0, 0, 0, 0
    for i in range(1, len(v)):
        if trend == 0:
            low = i if v[i] < v[low] else low
            high = i if v[i] > v[high] else high
            if v[high] - v[low] > threshold:
                first, ref, trend = (low, high, 1) if low < high else (high, low, -1)
                found.append(first)
        elif trend == 1:
            if v[i] > v[ref]:
                ref = i
            elif v[ref] - v[i] > threshold:
                found.append(ref)
                trend, ref = -1, i
        else:
            if v[i] < v[ref]:
                ref = i
            elif v[i] - v[ref] > threshold:
                found.append(ref)
                trend, ref = 1, i
    return [i for i in found if 0 < i < len(v) - 1]


def leg_bend(along: np.ndarray, lateral: np.ndarray, turns: list[int]) -> float:
    """Median over the legs between consecutive turns of how S-shaped a leg is.

    A leg of a wave runs from a crest to a trough along half a sine, an odd S-curve; a leg of
    a zigzag is straight. The cubic coefficient of a polynomial fitted to the leg (along
    coordinate scaled to [-1, 1]), over half the leg's sideways swing, measures the S while
    averaging centroid noise over the whole leg (a residual would only measure the noise).
    """
    bends = []
    for a, b in zip(turns, turns[1:]):
        if b - a - 2 * LEG_MARGIN_FRAMES < 6:
            continue
        inner = slice(a + LEG_MARGIN_FRAMES, b - LEG_MARGIN_FRAMES + 1)
        u = along[inner]
        u = 2 * (u - u.min()) / max(float(np.ptp(u)), 1e-9) - 1
        cubic = np.polyfit(u, lateral[inner], 3)[0]
        half_swing = abs(lateral[b] - lateral[a]) / 2
        bends.append(abs(float(cubic)) / max(half_swing, 1e-9))
    if not bends:
        raise AuditError("the path swings sideways but shows no whole leg between two turns")
    return float(np.median(bends))


def fit_circle(xy: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares circle (Kasa): centre and radius."""
    x, y = xy[:, 0], xy[:, 1]
    design = np.stack([x, y, np.ones_like(x)], axis=1)
    (d, e, f), *_ = np.linalg.lstsq(design, -(x * x + y * y), rcond=None)
    centre = np.array([-d / 2, -e / 2])
    return centre, math.sqrt(max(float(centre @ centre - f), 0.0))


def path_shape(obs: Observation) -> str:
    """"line", "zigzag", "wave", "circle" or "square" from the measured centres."""
    xy = np.stack([obs.x, obs.y], axis=1)
    along, lateral = principal_axes(xy)
    steps = np.diff(along)
    steps = steps[np.abs(steps) > MIN_AXIS_STEP_PX]
    if steps.size == 0:
        raise AuditError("the object does not move")
    if max(np.mean(steps > 0), np.mean(steps < 0)) >= MONOTONE:
        extent = float(along.max() - along.min())
        swing = float(lateral.max() - lateral.min())
        if swing <= LINE_SWING * extent:
            return "line"
        bend = leg_bend(along, lateral, turning_points(lateral, 0.5 * swing))
        if bend <= STRAIGHT_LEG:
            return "zigzag"
        return "wave"
    centre, radius = fit_circle(xy)
    rel = float(np.sqrt(np.mean((np.hypot(*(xy - centre).T) - radius) ** 2))) / radius
    sweep = np.unwrap(np.arctan2(xy[:, 1] - centre[1], xy[:, 0] - centre[0]))
    if abs(math.degrees(sweep[-1] - sweep[0])) < MIN_SWEEP_DEG:
        raise AuditError("the path neither progresses along an axis nor closes a loop")
    if rel <= ROUND:
        return "circle"
    if rel >= SQUARE:
        return "square"
    raise AuditError(f"loop strays {rel:.3f} of its radius from a circle: too close to call")


def returns_to_start(obs: Observation) -> bool:
    """Whether the object comes back to its first position after getting well away."""
    distance = np.hypot(obs.x - obs.x[0], obs.y - obs.y[0])
    farthest = float(distance.max())
    away = int(np.argmax(distance > 0.5 * farthest))
    return bool(distance[away:].min() <= RETURN_SHARE * farthest)


@register_auditor("trajectory_shape")
def audit_trajectory_shape(record: dict[str, Any], observations: list[Observation]) -> Any:
    _, obs = target(record, observations)
    kind = record["query"]["kind"]
    if kind == "path_shape":
        return path_shape(obs)
    if kind == "straight_path":
        return "yes" if path_shape(obs) == "line" else "no"
    if kind == "returns_to_start":
        return "yes" if returns_to_start(obs) else "no"
    raise unknown_query(record)


# -- "when" questions: the corners of the path and the distractors' wall contacts --------

# Smallest heading change that is a corner: the task's zigzags turn by well over this, its
# waves and circles bend by a few degrees per frame only.
CORNER_DEGREES = 20.0


@register_when_auditor("trajectory_shape")
def when_trajectory_shape(record: dict[str, Any], observations: list[Observation]) -> list:
    """Corners (a left or right turn between straight stretches) and wall contacts."""
    event = asked_event(record)
    if event["type"] == "wall_contact":
        return contacts_named_like(record, observations)
    if event["type"] != "corner":
        raise AuditError(f"no pixel timing for {event['type']!r} events")
    _, obs = track_and_observation(record, observations)
    side = {True: "right", False: "left"}
    return [at for at, degrees in turns(obs, record["video"]["fps"], CORNER_DEGREES)
            if side[degrees > 0] == event["turn"]]
