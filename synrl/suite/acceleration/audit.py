"""When and how the speed changes, from the measured trajectory: per-frame speeds fitted by
continuous piecewise-linear profiles (constant / ramp / constant for change times, two free
phases for the profile)."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.when import (asked_event, contacts_named_like, register_when_auditor,
                              track_and_observation, wall_contacts)
from synrl.audit.common import target, unknown_query

# Speeds are measured over two-frame steps: the centroid's jitter (~0.3 px) then weighs half
# as much as over one frame, which halves the error of the fitted change times.
BASELINE_FRAMES = 2
# A bounce shortens the steps that straddle it (the chord cuts the corner); a running median
# over 5 steps drops such dips.
MEDIAN_WINDOW = 5
# Relative change of speed over a phase: within +-FLAT it is constant, beyond +-CLEAR it
# speeds up or slows down (the task's changes are at least x1.5 over the phase).
FLAT = 0.1
CLEAR = 0.2


def smoothed_speeds(obs: Observation, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """(times, speeds px/s) of two-frame steps, median-filtered."""
    k = BASELINE_FRAMES
    v = np.hypot(obs.x[k:] - obs.x[:-k], obs.y[k:] - obs.y[:-k]) * fps / k
    half = MEDIAN_WINDOW // 2
    # Medians over full windows only, then the ends repeat the nearest median: padding with
    # the raw end value would carry a bounce in the first or last step into the fit.
    medians = np.median(sliding_window_view(v, MEDIAN_WINDOW), axis=1)
    v = np.concatenate([np.full(half, medians[0]), medians, np.full(half, medians[-1])])
    return (np.arange(len(v)) + k / 2) / fps, v


def fit_ramp(t: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """(start, end) of the ramp of the least-squares continuous profile that is constant,
    then linear, then constant again."""
    best_sse, best = np.inf, (float(t[0]), float(t[-1]))
    total = float(v @ v)
    for i in range(len(t) - 2):
        ends = t[i + 1 :]
        w = np.clip((t[None, :] - t[i]) / (ends[:, None] - t[i]), 0.0, 1.0)
        p = 1.0 - w
        spp, sqq, spq = (p * p).sum(1), (w * w).sum(1), (p * w).sum(1)
        spv, sqv = p @ v, w @ v
        det = spp * sqq - spq * spq
        ok = det > 1e-9
        safe = np.where(ok, det, 1.0)
        a = (sqq * spv - spq * sqv) / safe
        b = (spp * sqv - spq * spv) / safe
        sse = np.where(ok, total - (a * spv + b * sqv), np.inf)
        j = int(np.argmin(sse))
        if sse[j] < best_sse:
            best_sse, best = float(sse[j]), (float(t[i]), float(ends[j]))
    return best



def phase_kind(change: float) -> str:
    """A phase's kind from its relative change of speed; too close to call is an error."""
    if abs(change) <= FLAT:
        return "constant"
    if change >= CLEAR:
        return "speeding_up"
    if change <= -CLEAR:
        return "slowing_down"
    raise AuditError(f"speed changes by {change:+.0%} over a phase: too close to call")


def fit_two_phases(t: np.ndarray, v: np.ndarray) -> list[str]:
    """Kind of change ("constant", "speeding_up", "slowing_down") of the two phases of the
    least-squares continuous two-piece linear profile."""
    best_sse, best = np.inf, None
    for split in t[3:-3]:
        design = np.stack([np.ones_like(t), t, np.maximum(0.0, t - split)], axis=1)
        coef, *_ = np.linalg.lstsq(design, v, rcond=None)
        sse = float(np.sum((design @ coef - v) ** 2))
        if sse < best_sse:
            best_sse, best = sse, (float(split), coef)
    assert best is not None
    split, (_, slope, bend) = best
    kinds = []
    for phase_slope, inside in ((slope, t <= split), (slope + bend, t > split)):
        length = float(t[inside][-1] - t[inside][0])
        change = phase_slope * length / float(np.mean(v[inside]))
        kinds.append(phase_kind(change))
    return kinds


def snap(seconds: float, grid: float) -> float:
    return round(round(seconds / grid) * grid, 2)


@register_auditor("acceleration")
def audit_acceleration(record: dict[str, Any], observations: list[Observation]) -> Any:
    _, obs = target(record, observations)
    t, v = smoothed_speeds(obs, record["video"]["fps"])
    query = record["query"]
    if query["kind"] == "speed_profile":
        return fit_two_phases(t, v)
    if query["kind"] in ("change_onset", "change_interval"):
        start, end = fit_ramp(t, v)
        grid = query["grid_s"]
        if query["kind"] == "change_onset":
            return snap(start, grid)
        return [snap(start, grid), snap(end, grid)]
    raise unknown_query(record)


# -- "when" questions: the speed phases and the wall contacts ------------------------------


def arc_length(obs: Observation, fps: float, contacts: list[float]) -> np.ndarray:
    """Distance travelled (px) at every frame: the sum of the frame-to-frame steps (whose
    centroid errors cancel along a straight stretch), a step straddling a wall contact
    taken as long as its neighbours (its chord cuts the corner)."""
    steps = np.hypot(np.diff(obs.x), np.diff(obs.y))
    if np.isnan(steps).any():
        raise AuditError("the object is missing from some frames")
    start = np.arange(len(steps)) / fps
    for at in contacts:
        k = int(np.floor(at * fps))
        if 0 < k < len(steps) - 1 and start[k] <= at <= start[k] + 1 / fps:
            steps[k] = (steps[k - 1] + steps[k + 1]) / 2
    return np.concatenate([[0.0], np.cumsum(steps)])


def _profile_fit(t: np.ndarray, s: np.ndarray, knots: Sequence[float]
                 ) -> tuple[float, np.ndarray]:
    """SSE and coefficients of the distance travelled under a speed that is continuous and
    linear between ``knots``: a quadratic plus one squared hinge per knot."""
    design = np.stack([np.ones_like(t), t, t * t]
                      + [np.maximum(0.0, t - k) ** 2 for k in knots], axis=1)
    coef, *_ = np.linalg.lstsq(design, s, rcond=None)
    return float(np.sum((design @ coef - s) ** 2)), coef


def speed_knots(t: np.ndarray, s: np.ndarray, count: int) -> list[float]:
    """Times where the speed profile of the least-squares fit of the distance travelled
    bends (``count`` knots): a search over the frame times, then each knot refined
    between its neighbouring frames by golden-section search."""
    if count not in (1, 2):
        raise AuditError(f"{count + 1} speed phases: the audit fits two or three")
    inner = t[3:-3]
    if count == 1:
        knots = [float(min(inner, key=lambda k: _profile_fit(t, s, [k])[0]))]
    else:
        best = (np.inf, [0.0, 0.0])
        for i, k1 in enumerate(inner[:-3]):
            for k2 in inner[i + 3 :]:
                sse = _profile_fit(t, s, [k1, k2])[0]
                if sse < best[0]:
                    best = (sse, [float(k1), float(k2)])
        knots = best[1]
    step = float(t[1] - t[0])
    golden = (math.sqrt(5) - 1) / 2
    for _ in range(2):
        for i in range(len(knots)):
            def sse(k: float) -> float:
                return _profile_fit(t, s, knots[:i] + [k] + knots[i + 1 :])[0]
            lo, hi = knots[i] - step, knots[i] + step
            for _ in range(25):
                a, b = hi - golden * (hi - lo), lo + golden * (hi - lo)
                lo, hi = (lo, b) if sse(a) < sse(b) else (a, hi)
            knots[i] = (lo + hi) / 2
    return knots


def phase_kinds(t: np.ndarray, s: np.ndarray, bounds: list[float]) -> list[str]:
    """"constant", "speeding_up" or "slowing_down" of each phase between ``bounds``, from
    the fitted speeds at its ends."""
    _, coef = _profile_fit(t, s, bounds[1:-1])

    def speed(at: float) -> float:
        return float(coef[1] + 2 * coef[2] * at
                     + sum(2 * d * max(0.0, at - k) for d, k in zip(coef[3:], bounds[1:-1])))
    kinds = []
    for a, b in zip(bounds, bounds[1:]):
        va, vb = speed(a), speed(b)
        change = (vb - va) / max((va + vb) / 2, 1e-9)
        kinds.append(phase_kind(change))
    return kinds


def speed_phases(record: dict[str, Any], track: dict[str, Any],
                 obs: Observation) -> list[tuple[str, float, float]]:
    """(kind, start_s, end_s) of every speed phase. How many phases there are is read from
    the timeline (the task draws two or three); where they meet and what they do, from the
    pixels."""
    fps = record["video"]["fps"]
    duration = record["video"]["duration_ms"] / 1000.0
    count = sum(e["type"] == "speed_phase" for e in record["timeline"]) - 1
    contacts = [at for at, _ in wall_contacts(record, track, obs)]
    s = arc_length(obs, fps, contacts)
    t = np.arange(len(s)) / fps
    bounds = [0.0] + speed_knots(t, s, count) + [duration]
    return [(kind, a, b) for kind, a, b in zip(phase_kinds(t, s, bounds), bounds, bounds[1:])]


# A knot of the speed profile is a jump in acceleration: the position leaves the fitted
# parabola by only a * tau^2 / 2 after it, under 0.3 px (the centroid's error) for the first
# 2-3 frames at the task's accelerations, so the phase bounds are placed within about three
# frames, not one (the task's knots lie on a 0.5 s grid: a wrong one is 15 frames off).
SPEED_PHASE_FRAMES = 3


@register_when_auditor("acceleration", wider={"speed_phase": SPEED_PHASE_FRAMES})
def when_acceleration(record: dict[str, Any], observations: list[Observation]) -> list:
    """Wall contacts as in collision_count; speed phases from the distance travelled."""
    event = asked_event(record)
    if event["type"] == "wall_contact":
        return contacts_named_like(record, observations)
    if event["type"] != "speed_phase":
        raise AuditError(f"no pixel timing for {event['type']!r} events")
    track, obs = track_and_observation(record, observations)
    return [(a, b) for kind, a, b in speed_phases(record, track, obs) if kind == event["change"]]
