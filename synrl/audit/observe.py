"""Find objects in decoded frames by their colour, independently of the simulator.

Each object has a known colour c on a known background b. An antialiased edge pixel is a mix
b + a (c - b) with coverage a in [0, 1], so every pixel is projected onto the segment b -> c:
pixels close to the segment are the object's, weighted by their coverage a. That gives
sub-pixel centroids, the area and second moments (orientation) even after H.264 and 4:2:0
chroma subsampling, and ignores pixels of other colours, the walls and the background.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

# A pixel belongs to an object if it is within this RGB distance of the object's
# background-to-colour segment; other palette colours are >= 75 away from every such segment.
MAX_RESIDUAL = 45.0
MIN_COVERAGE = 0.2
# Per channel: encoder noise on flat background stays well below this.
BACKGROUND_DISTANCE = 14


@dataclass
class Observation:
    """Per-frame measurements of one object (NaN where it was not found)."""

    x: np.ndarray
    y: np.ndarray
    area: np.ndarray
    # Principal-axis orientation in degrees, counter-clockwise on screen, in (-90, 90].
    axis_angle: np.ndarray
    # Frames where an object drawn above it overlaps it: measurements are not comparable.
    occluded: np.ndarray
    mean_rgb: np.ndarray

    @property
    def found(self) -> np.ndarray:
        return ~np.isnan(self.x)


def occlusion_mask(tracks: list[dict[str, Any]], index: int) -> np.ndarray:
    """Frames in which track `index` may be overlapped by a track drawn after it."""
    mine = tracks[index]
    x, y = np.asarray(mine["x"]), np.asarray(mine["y"])
    r = mine["radius"] * np.asarray(mine["scale"])
    hidden = np.zeros(len(x), dtype=bool)
    for other in tracks[index + 1 :]:
        ox, oy = np.asarray(other["x"]), np.asarray(other["y"])
        orad = other["radius"] * np.asarray(other["scale"])
        near = np.hypot(x - ox, y - oy) < r + orad + 3  # +3: chroma bleed of 4:2:0
        hidden |= near & np.asarray(other["visible"], dtype=bool)
    return hidden


def observe(frames: Iterable[np.ndarray], record: dict[str, Any],
            colors: list[tuple[int, int, int]] | None = None) -> list[Observation]:
    """Measure every track of `record` (by its colour) in every frame."""
    tracks = record["tracks"]
    n = record["video"]["num_frames"]
    background_u8 = [int(v) for v in record.get("background", (255, 255, 255))]
    background = np.asarray(background_u8, dtype=np.float32)
    rgbs = [np.asarray(c, dtype=np.float32) for c in (colors or [t["rgb"] for t in tracks])]
    directions = [c - background for c in rgbs]
    norms = [float(d @ d) for d in directions]
    arena = record.get("scene", {}).get("arena")
    out = {k: np.full((len(tracks), n), np.nan) for k in ("x", "y", "area", "angle")}
    mean_rgb = np.full((len(tracks), n, 3), np.nan)
    frame_index = -1
    for frame_index, frame in enumerate(frames):
        if frame_index >= n:
            break
        height, width, _ = frame.shape
        # Objects live inside the arena; the walls are outside it.
        x0, y0, x1, y1 = (0, 0, width, height) if arena is None else (
            int(round(arena[0])) + 1, int(round(arena[1])) + 1, int(round(arena[2])),
            int(round(arena[3])))
        crop = frame[y0:y1, x0:x1]
        # Per-channel uint8 comparisons: several times faster than a full-frame int16 diff.
        changed = np.zeros(crop.shape[:2], dtype=bool)
        for channel, value in enumerate(background_u8):
            plane = crop[..., channel]
            if value - BACKGROUND_DISTANCE >= 0:
                changed |= plane < value - BACKGROUND_DISTANCE
            if value + BACKGROUND_DISTANCE <= 255:
                changed |= plane > value + BACKGROUND_DISTANCE
        rows, cols = np.nonzero(changed)
        if rows.size == 0:
            continue
        py, px = rows + y0, cols + x0
        pixels = crop[rows, cols].astype(np.float32) - background
        # Coverage and distance of every pixel to every object's segment; a pixel goes to
        # the best-fitting colour only, so a half-covered edge of a yellow object is not
        # mistaken for a faint orange one.
        alphas = np.stack([pixels @ d / n for d, n in zip(directions, norms)])
        residuals = np.stack([np.linalg.norm(pixels - a[:, None] * d, axis=1)
                              for a, d in zip(alphas, directions)])
        best = residuals.argmin(axis=0)
        for i in range(len(tracks)):
            alpha, residual = alphas[i], residuals[i]
            sel = (best == i) & (residual < MAX_RESIDUAL) & (alpha > MIN_COVERAGE)
            if not sel.any():
                continue
            w = np.clip(alpha[sel], 0.0, 1.0)
            rgb = pixels[sel]
            xs, ys = px[sel].astype(np.float64), py[sel].astype(np.float64)
            # Edge pixels of another object can fit this colour after 4:2:0 chroma
            # subsampling; they are few and far away, so keep what lies near the median.
            reach = 2.5 * math.sqrt(w.sum() / math.pi) + 3.0
            near = np.hypot(xs - np.median(xs), ys - np.median(ys)) <= reach
            w, xs, ys, rgb = w[near], xs[near], ys[near], rgb[near]
            total = w.sum()
            cx, cy = (w * xs).sum() / total, (w * ys).sum() / total
            dx, dy = xs - cx, ys - cy
            mu20, mu02, mu11 = (w * dx * dx).sum(), (w * dy * dy).sum(), (w * dx * dy).sum()
            # Image y points down; negate to report counter-clockwise-positive angles.
            angle = -0.5 * math.degrees(math.atan2(2 * mu11, mu20 - mu02))
            out["x"][i, frame_index], out["y"][i, frame_index] = cx, cy
            out["area"][i, frame_index], out["angle"][i, frame_index] = total, angle
            solid = w > 0.9
            if solid.any():
                mean_rgb[i, frame_index] = rgb[solid].mean(axis=0) + background
    return [
        Observation(out["x"][i], out["y"][i], out["area"][i], out["angle"][i],
                    occlusion_mask(tracks, i), mean_rgb[i])
        for i in range(len(tracks))
    ]


def unwrap_axis_angle(axis_angle: np.ndarray) -> np.ndarray:
    """Cumulative rotation (degrees, CCW positive) from orientations known modulo 180.

    Valid while the object turns less than 90 degrees between two frames."""
    values = axis_angle[~np.isnan(axis_angle)]
    if values.size == 0:
        return values
    steps = (np.diff(values) + 90.0) % 180.0 - 90.0
    return np.concatenate([[0.0], np.cumsum(steps)])
