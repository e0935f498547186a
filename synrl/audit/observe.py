"""Find objects in decoded frames by their colour, independently of the simulator.

Each object has a known colour c on a known background b. An antialiased edge pixel is a mix
b + a (c - b) with coverage a in [0, 1], so every pixel is projected onto the segment b -> c:
pixels close to the segment are the object's, weighted by their coverage a. That gives
sub-pixel centroids, the area and second moments (orientation) even after H.264 and 4:2:0
chroma subsampling, and ignores pixels of other colours, the walls and the background.

An object whose colour changes during the clip (a track with `color_by_frame`) is found by
any of the palette colours it takes; which of them it shows in a frame is then read back
from the pixels (`Observation.colors`: nearest palette colour of the solid pixels), never
from the record. Such objects, and those with `shape_by_frame` or a changing `scale`, also
get their outline classified into a shape in every frame (`Observation.shape`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

import numpy as np
from PIL import Image, ImageDraw

from synrl.render.shapes import PALETTE, SHAPES, bar_width, unit_polygon

# The colour-matching contract shared with the renderer (synrl.scene): other palette
# colours are >= 75 away from every background-to-colour segment.
from synrl.scene import MAX_RESIDUAL, MIN_COVERAGE  # noqa: E402
# Per channel: encoder noise on flat background stays well below this.
BACKGROUND_DISTANCE = 14
# A drawn object has a solid interior (even a thin L at 256 px keeps a pixel or two);
# pixels of its colour without one are stray chroma of another object's antialiased edge,
# which matter when the object itself is hidden (it appears later or blinks).
SOLID_COVERAGE = 0.9
MIN_SOLID_PIXELS = 1
# 4:2:0 keeps one chroma sample per 2x2 block, so a bar narrower than this (a T or an L
# below about 12 px radius) has no pixel at its full colour; its interior is then the pixels
# at this coverage.
THIN_BAR_PX = 4.0
THIN_SOLID_COVERAGE = 0.7
# The drawn extent is the pixels covered at least half (synrl.render.canvas.sprite_box). The
# encoder blurs edges (4:2:0 chroma above all), so an edge pixel covered half reads lower:
# measured at 0.5 the extent comes out 0.3-0.5 px short per side on average and a star's
# tips go missing; read at this coverage it has no bias (measured on 120 tracking clips).
BOX_COVERAGE = 0.3
# Antialiased edge pixels lie at most this far outside an object's solid interior.
EDGE_REACH_PX = 3


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
    # Per-frame shape name classified from the outline (None where not found); measured only
    # for objects whose appearance may change (tracks with per-frame colours or shapes).
    shape: np.ndarray | None = None
    # Per-frame extent (x1, y1, x2, y2) of the pixels at least half covered by the object
    # (first column and row, one past the last), as synrl.render.canvas.sprite_box draws it
    # (NaN where not found).
    box: np.ndarray | None = None

    @property
    def found(self) -> np.ndarray:
        return ~np.isnan(self.x)

    @property
    def colors(self) -> list[str | None]:
        """Per-frame palette name nearest to the object's solid pixels (None if not seen)."""
        return [nearest_palette_color(rgb) for rgb in self.mean_rgb]


def nearest_palette_color(rgb: Sequence[float]) -> str | None:
    """Name of the palette colour closest to `rgb` (None for NaN)."""
    value = np.asarray(rgb, dtype=np.float64)
    if np.isnan(value).any():
        return None
    names = list(PALETTE)
    distances = [float(np.sum((value - PALETTE[name]) ** 2)) for name in names]
    return names[int(np.argmin(distances))]


# -- outline classification ------------------------------------------------------------
#
# An outline is summarised by its sector-area profile: the object's area in each of
# PROFILE_BINS equal angular sectors around its centroid, as the radius of a circular
# sector of that area, scaled to a mean square of 1. It is sub-pixel accurate (it sums
# antialiased coverage), independent of size, and turning the object only shifts it
# cyclically, so a shape is recognised by the best match over the rotations of each
# shape's own profile.

PROFILE_BINS = 36
PROFILE_ROTATION_STEP = 2  # degrees between the template rotations
_TEMPLATE_RADIUS = 120  # px: templates rasterised this large have negligible pixelation


def sector_profile(xs: np.ndarray, ys: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sector-area profile (PROFILE_BINS values, mean-square 1) of weighted pixels, y down.

    Each pixel is split into 2x2 sub-pixels so that pixels near the centroid spread over
    the sectors they overlap instead of landing in one."""
    total = weights.sum()
    cx, cy = (weights * xs).sum() / total, (weights * ys).sum() / total
    offsets = np.array([-0.25, 0.25])
    shape = (len(xs), 2, 2)
    dx = np.broadcast_to(xs[:, None, None] + offsets[None, :, None] - cx, shape).ravel()
    dy = np.broadcast_to(ys[:, None, None] + offsets[None, None, :] - cy, shape).ravel()
    w = np.broadcast_to(weights[:, None, None], shape).ravel()
    return _profile(np.arctan2(-dy, dx), w)


def _profile(theta: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    turn = 2 * math.pi
    bins = np.minimum((np.mod(theta, turn) / turn * PROFILE_BINS).astype(np.int64),
                      PROFILE_BINS - 1)
    area = np.bincount(bins, weights, PROFILE_BINS).astype(np.float64)
    return np.sqrt(area / area.sum() * PROFILE_BINS)


@lru_cache(maxsize=1)
def _shape_templates() -> tuple[tuple[str, ...], np.ndarray]:
    """Profiles of every shape at every template rotation: (names, array[shape, rot, bin]).

    Each shape is rasterised once into a fine angular histogram; a rotation by a whole
    number of fine bins is then a cyclic shift of it."""
    r = _TEMPLATE_RADIUS
    fine_per_bin = 20
    fine = PROFILE_BINS * fine_per_bin
    shift = round(PROFILE_ROTATION_STEP / 360 * fine)
    rows = []
    for name in SHAPES:
        image = Image.new("L", (2 * r + 5, 2 * r + 5), 0)
        polygon = unit_polygon(name) * r
        ImageDraw.Draw(image).polygon([(r + 2 + x, r + 2 - y) for x, y in polygon], fill=1)
        ys, xs = np.nonzero(np.asarray(image))
        theta = np.mod(np.arctan2((r + 2) - ys, xs - (r + 2.0)), 2 * math.pi)
        bins = np.minimum((theta / (2 * math.pi) * fine).astype(np.int64), fine - 1)
        histogram = np.bincount(bins, minlength=fine).astype(np.float64)
        area = np.stack([np.roll(histogram, k * shift).reshape(PROFILE_BINS, -1).sum(axis=1)
                         for k in range(360 // PROFILE_ROTATION_STEP)])
        rows.append(np.sqrt(area / area.sum(axis=1, keepdims=True) * PROFILE_BINS))
    return tuple(SHAPES), np.asarray(rows)


def classify_shape(profile: np.ndarray) -> tuple[str, float]:
    """Best-matching shape of a sector-area profile and its RMS misfit."""
    names, templates = _shape_templates()
    misfit = np.sqrt(((templates - profile) ** 2).mean(axis=2)).min(axis=1)
    best = int(np.argmin(misfit))
    return names[best], float(misfit[best])


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


def track_channels(tracks: list[dict[str, Any]],
                   colors: list[tuple[int, int, int]] | None = None
                   ) -> tuple[list[tuple[int, int, int]], list[list[int]]]:
    """The distinct colours to segment by, and the indices of those each track owns: its
    colour, or every colour of its `color_by_frame`. A colour listed by several tracks
    belongs to the first of them (two objects of one colour cannot be told apart)."""
    channels: list[tuple[int, int, int]] = []
    owned: list[list[int]] = []
    taken: set[int] = set()
    for i, track in enumerate(tracks):
        if colors is not None:
            rgbs = [tuple(colors[i])]
        elif track.get("color_by_frame"):
            rgbs = [tuple(track["rgb"])] + [PALETTE[name] for name in track["color_by_frame"]]
        else:
            rgbs = [tuple(track["rgb"])]
        mine = []
        for rgb in dict.fromkeys(tuple(int(c) for c in rgb) for rgb in rgbs):
            if rgb not in channels:
                channels.append(rgb)
            index = channels.index(rgb)
            if index not in taken:
                taken.add(index)
                mine.append(index)
        owned.append(mine)
    return channels, owned


def solid_coverage_of(track: dict[str, Any]) -> float:
    """Coverage that marks a track's interior pixels (lower for thin bars, see THIN_BAR_PX)."""
    shapes = set(track.get("shape_by_frame") or [track["shape"]])
    radius = track["radius"] * float(np.min(track.get("scale") or [1.0]))
    thinnest = min(bar_width(shape, radius) for shape in shapes)
    return THIN_SOLID_COVERAGE if thinnest < THIN_BAR_PX else SOLID_COVERAGE


def observe(frames: Iterable[np.ndarray], record: dict[str, Any],
            colors: list[tuple[int, int, int]] | None = None) -> list[Observation]:
    """Measure every track of `record` (by its colour or colours) in every frame."""
    tracks = record["tracks"]
    n = record["video"]["num_frames"]
    background_u8 = [int(v) for v in record.get("background", (255, 255, 255))]
    background = np.asarray(background_u8, dtype=np.float32)
    channels, owned = track_channels(tracks, colors)
    directions = [np.asarray(c, dtype=np.float32) - background for c in channels]
    norms = [float(d @ d) for d in directions]
    # Objects whose appearance may change get their outline classified in every frame; a
    # size change needs the outline too (the size is the radius of that shape's area).
    classify = [bool(t.get("color_by_frame") or t.get("shape_by_frame")
                     or len(set(t.get("scale") or ())) > 1) for t in tracks]
    solid_coverage = [solid_coverage_of(t) for t in tracks]
    shapes = [np.full(n, None, dtype=object) if c else None for c in classify]
    arena = record.get("scene", {}).get("arena")
    out = {k: np.full((len(tracks), n), np.nan) for k in ("x", "y", "area", "angle")}
    mean_rgb = np.full((len(tracks), n, 3), np.nan)
    boxes = np.full((len(tracks), n, 4), np.nan)
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
        columns = np.arange(best.size)
        best_alpha, best_residual = alphas[best, columns], residuals[best, columns]
        fits = (best_residual < MAX_RESIDUAL) & (best_alpha > MIN_COVERAGE)
        for i in range(len(tracks)):
            if not owned[i]:
                continue
            mine = best == owned[i][0] if len(owned[i]) == 1 else np.isin(best, owned[i])
            sel = mine & fits
            if not sel.any():
                continue
            w = np.clip(best_alpha[sel], 0.0, 1.0)
            rgb = pixels[sel]
            xs, ys = px[sel].astype(np.float64), py[sel].astype(np.float64)
            core = w > solid_coverage[i]
            if np.count_nonzero(core) < MIN_SOLID_PIXELS:
                continue  # stray edge pixels of another object, not this one
            # Edge pixels of another object can fit this colour after 4:2:0 chroma
            # subsampling, sometimes more of them than a thin object has pixels; they are
            # far away and rarely solid, so keep what lies near the median solid pixel.
            reach = 2.5 * math.sqrt(w.sum() / math.pi) + 3.0
            near = np.hypot(xs - np.median(xs[core]), ys - np.median(ys[core])) <= reach
            if not near[core].any():
                continue  # solid pixels in two far-apart places: no single object
            w, xs, ys, rgb = w[near], xs[near], ys[near], rgb[near]
            total = w.sum()
            cx, cy = (w * xs).sum() / total, (w * ys).sum() / total
            dx, dy = xs - cx, ys - cy
            mu20, mu02, mu11 = (w * dx * dx).sum(), (w * dy * dy).sum(), (w * dx * dy).sum()
            # Image y points down; negate to report counter-clockwise-positive angles.
            angle = -0.5 * math.degrees(math.atan2(2 * mu11, mu20 - mu02))
            out["x"][i, frame_index], out["y"][i, frame_index] = cx, cy
            out["area"][i, frame_index], out["angle"][i, frame_index] = total, angle
            boxes[i, frame_index] = _extent(xs, ys, w, w > solid_coverage[i])
            solid = w > solid_coverage[i]
            if solid.any():
                mean_rgb[i, frame_index] = rgb[solid].mean(axis=0) + background
            if classify[i]:
                shapes[i][frame_index] = classify_shape(sector_profile(xs, ys, w))[0]
    return [
        Observation(out["x"][i], out["y"][i], out["area"][i], out["angle"][i],
                    occlusion_mask(tracks, i), mean_rgb[i], shapes[i], boxes[i])
        for i in range(len(tracks))
    ]


def _extent(xs: np.ndarray, ys: np.ndarray, w: np.ndarray, core: np.ndarray
            ) -> tuple[float, float, float, float]:
    """(x1, y1, x2, y2) of the pixels covered at least BOX_COVERAGE that lie within
    EDGE_REACH_PX of the solid pixels' extent: a faint rim of a nearby object of a similar
    colour (orange beside red) fits this colour too, but never next to its solid interior."""
    cx, cy = xs[core], ys[core]
    reach = EDGE_REACH_PX
    edge = ((w >= BOX_COVERAGE) & (xs >= cx.min() - reach) & (xs <= cx.max() + reach)
            & (ys >= cy.min() - reach) & (ys <= cy.max() + reach))
    return (float(xs[edge].min()), float(ys[edge].min()), float(xs[edge].max() + 1),
            float(ys[edge].max() + 1))


def unwrap_axis_angle(axis_angle: np.ndarray) -> np.ndarray:
    """Cumulative rotation (degrees, CCW positive) from orientations known modulo 180.

    Valid while the object turns less than 90 degrees between two frames."""
    values = axis_angle[~np.isnan(axis_angle)]
    if values.size == 0:
        return values
    steps = (np.diff(values) + 90.0) % 180.0 - 90.0
    return np.concatenate([[0.0], np.cumsum(steps)])


def stable_runs(labels: Sequence[Any], min_frames: int) -> list[tuple[Any, int, int]]:
    """(label, first frame, last frame + 1) of each run of a per-frame label series.

    Frames labelled None (object not seen) are skipped; runs shorter than `min_frames` are
    measurement noise (a frame blended by the encoder at a change) and are dropped, and
    runs left next to each other with the same label are merged."""
    runs: list[list[Any]] = []
    for frame, label in enumerate(labels):
        if label is None:
            continue
        if runs and runs[-1][0] == label:
            runs[-1][2] = frame + 1
        else:
            runs.append([label, frame, frame + 1])
    kept: list[list[Any]] = []
    for label, start, end in runs:
        if end - start < min_frames:
            continue
        if kept and kept[-1][0] == label:
            kept[-1][2] = end
        else:
            kept.append([label, start, end])
    return [(label, start, end) for label, start, end in kept]
