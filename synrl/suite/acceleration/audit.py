"""When and how the speed changes, from the measured trajectory: per-frame speeds fitted by
continuous piecewise-linear profiles (constant / ramp / constant for change times, two free
phases for the profile)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
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
        if abs(change) <= FLAT:
            kinds.append("constant")
        elif change >= CLEAR:
            kinds.append("speeding_up")
        elif change <= -CLEAR:
            kinds.append("slowing_down")
        else:
            raise AuditError(f"speed changes by {change:+.0%} over a phase: too close to call")
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
