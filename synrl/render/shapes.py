"""Unit shapes and the named colour palette.

Every polygon is normalised so that its *area centroid* sits at the origin and its farthest
vertex lies at distance 1. The centroid convention is what lets `audit` compare the
colour-mask centroid of the decoded pixels with the `x`/`y` of a track: for a T or a star
the centre of the bounding box is not where the pixels' mass is.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from synrl.scene import (  # noqa: F401  (the palette is scene vocabulary; re-exported for drawing code)
    ORIENTED_SHAPES,
    PALETTE,
    SHAPE_NAMES,
    SHAPES,
    color_distance,
    parse_color,
    shape_name,
    usable_colors,
)


def _regular(n: int, phase: float = math.pi / 2) -> np.ndarray:
    angles = phase + 2 * math.pi * np.arange(n) / n
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _star(points: int = 5, inner: float = 0.45) -> np.ndarray:
    angles = math.pi / 2 + math.pi * np.arange(2 * points) / points
    radii = np.where(np.arange(2 * points) % 2 == 0, 1.0, inner)
    return np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1)


def _rects_union(outline: list[tuple[float, float]]) -> np.ndarray:
    return np.array(outline, dtype=np.float64)


def _polygon_centroid(poly: np.ndarray) -> tuple[float, np.ndarray]:
    x, y = poly[:, 0], poly[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = cross.sum() / 2
    cx = ((x + xn) * cross).sum() / (6 * area)
    cy = ((y + yn) * cross).sum() / (6 * area)
    return abs(area), np.array([cx, cy])


# Width of the bars of the T and L before scaling to a max radius of 1.
BAR_WIDTH = 0.3


def _raw_polygon(shape: str) -> np.ndarray:
    if shape == "circle":
        return _regular(64)
    if shape == "square":
        return _regular(4, math.pi / 4)
    if shape == "triangle":
        return _regular(3)
    if shape == "pentagon":
        return _regular(5)
    if shape == "hexagon":
        return _regular(6, 0.0)
    if shape == "star":
        return _star()
    b = BAR_WIDTH / 2
    if shape == "T":
        # Long stem so the two principal moments differ clearly: orientation is then
        # measurable from image moments in every frame.
        return _rects_union(
            [(-0.6, 0.5), (0.6, 0.5), (0.6, 0.5 - 2 * b), (b, 0.5 - 2 * b), (b, -0.9), (-b, -0.9),
             (-b, 0.5 - 2 * b), (-0.6, 0.5 - 2 * b)]
        )
    if shape == "L":
        return _rects_union(
            [(-0.3, 0.9), (-0.3 + 2 * b, 0.9), (-0.3 + 2 * b, -0.3), (0.5, -0.3), (0.5, -0.6),
             (-0.3, -0.6)]
        )
    raise ValueError(f"unknown shape {shape!r}; known shapes: {', '.join(SHAPES)}")


@lru_cache(maxsize=None)
def _normalisation(shape: str) -> tuple[np.ndarray, float]:
    poly = _raw_polygon(shape)
    _, centroid = _polygon_centroid(poly)
    return centroid, float(np.linalg.norm(poly - centroid, axis=1).max())


@lru_cache(maxsize=None)
def unit_polygon(shape: str) -> np.ndarray:
    """Vertices (N, 2) in maths axes (y up), area centroid at 0, max radius 1."""
    centroid, extent = _normalisation(shape)
    poly = (_raw_polygon(shape) - centroid) / extent
    poly.setflags(write=False)
    return poly


def bar_width(shape: str, radius: float) -> float:
    """Width in px of the narrowest part of a shape drawn at `radius`: the bars of the T and
    the L; the whole shape (the diameter of its inscribed circle, at least) otherwise."""
    if shape in ORIENTED_SHAPES:
        return BAR_WIDTH / _normalisation(shape)[1] * radius
    return radius


def shape_area(shape: str, radius: float) -> float:
    """Area in px^2 of a shape drawn at `radius` (used by the audit to check sizes)."""
    if shape == "circle":
        return math.pi * radius * radius
    area, _ = _polygon_centroid(unit_polygon(shape))
    return area * radius * radius
