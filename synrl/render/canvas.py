"""Antialiased 2D rasteriser: Pillow draws each object into a small supersampled sprite,
numpy blends the sprite into the frame.

Only the object's bounding box is touched per frame, so the cost of a frame is one copy of
the static background plus a few small sprites; this keeps rendering well below the cost of
H.264 encoding (see benchmarks/).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from synrl.render.shapes import unit_polygon

SUPERSAMPLE = 4


@dataclass(frozen=True)
class Sprite:
    """What to draw for one object in one frame."""

    shape: str
    rgb: tuple[int, int, int]
    x: float  # centre, pixels, x to the right
    y: float  # centre, pixels, y downwards
    radius: float  # distance from centre to the farthest vertex, pixels
    angle: float = 0.0  # degrees, counter-clockwise on screen


def sprite_vertices(sprite: Sprite) -> np.ndarray:
    """Screen-space vertices (N, 2) of a sprite's polygon."""
    theta = math.radians(sprite.angle)
    c, s = math.cos(theta), math.sin(theta)
    poly = unit_polygon(sprite.shape) * sprite.radius
    xr = poly[:, 0] * c - poly[:, 1] * s
    yr = poly[:, 0] * s + poly[:, 1] * c
    # Maths axes have y up; the screen has y down, so counter-clockwise stays
    # counter-clockwise as seen by the viewer.
    return np.stack([sprite.x + xr, sprite.y - yr], axis=1)


def coverage(sprite: Sprite) -> tuple[int, int, np.ndarray]:
    """Antialiased coverage mask of a sprite: (x0, y0, alpha[h, w] in [0, 1])."""
    ss = SUPERSAMPLE
    if sprite.shape == "circle":
        r = sprite.radius
        x0, y0 = math.floor(sprite.x - r) - 1, math.floor(sprite.y - r) - 1
        x1, y1 = math.ceil(sprite.x + r) + 1, math.ceil(sprite.y + r) + 1
    else:
        verts = sprite_vertices(sprite)
        x0, y0 = (math.floor(v) - 1 for v in verts.min(axis=0))
        x1, y1 = (math.ceil(v) + 1 for v in verts.max(axis=0))
    w, h = x1 - x0, y1 - y0
    image = Image.new("L", (w * ss, h * ss), 0)
    draw = ImageDraw.Draw(image)
    # Frame pixel i has its centre at coordinate i and spans [i - 0.5, i + 0.5); Pillow
    # fills a supersampled pixel k as if it spanned [k - 0.5, k + 0.5] with both ends
    # included, half a sub-pixel towards the origin; mapping one onto the other keeps the
    # mask's centroid on the true centre (audit compares them to a fraction of a pixel).
    def to_sprite(v: float, origin: int) -> float:
        return (v - origin + 0.5) * ss

    if sprite.shape == "circle":
        # Inclusive edges add half a sub-pixel all round; take it off the radius.
        cx, cy = to_sprite(sprite.x, x0), to_sprite(sprite.y, y0)
        r = sprite.radius * ss - 0.5
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    else:
        pts = np.stack([to_sprite(verts[:, 0], x0), to_sprite(verts[:, 1], y0)], axis=1)
        draw.polygon([tuple(p) for p in inset(pts, 0.5)], fill=255)
    small = image.reduce(ss)
    alpha = np.asarray(small, dtype=np.float32) * (1.0 / 255.0)
    return x0, y0, alpha


def inset(poly: np.ndarray, distance: float) -> np.ndarray:
    """Move every edge of a simple polygon inwards by `distance` (vertex offset along the
    bisector); used to cancel Pillow's inclusive edges, which add half a sub-pixel."""
    x, y = poly[:, 0], poly[:, 1]
    orientation = np.sign(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)) or 1.0
    edges = np.roll(poly, -1, axis=0) - poly
    edges /= np.linalg.norm(edges, axis=1, keepdims=True)
    # Inward normal of each edge for this winding.
    normals = orientation * np.stack([-edges[:, 1], edges[:, 0]], axis=1)
    before, after = np.roll(normals, 1, axis=0), normals
    bisector = (before + after) / (1.0 + np.sum(before * after, axis=1, keepdims=True))
    return poly + distance * bisector


class Canvas:
    """A frame buffer with a static background that sprites are blended onto."""

    def __init__(self, width: int, height: int, background: tuple[int, int, int]):
        self.width, self.height = width, height
        self.background = np.empty((height, width, 3), dtype=np.uint8)
        self.background[:] = background
        self.frame = self.background.copy()

    def draw_background_rect(self, box: tuple[float, float, float, float],
                             rgb: tuple[int, int, int], width: int) -> None:
        """Draw a rectangle outline into the static background (arena walls)."""
        image = Image.fromarray(self.background)
        ImageDraw.Draw(image).rectangle(box, outline=rgb, width=width)
        self.background = np.asarray(image).copy()

    def clear(self) -> np.ndarray:
        np.copyto(self.frame, self.background)
        return self.frame

    def draw(self, sprite: Sprite) -> None:
        x0, y0, alpha = coverage(sprite)
        h, w = alpha.shape
        # Clip to the frame: objects may be partly outside.
        cx0, cy0 = max(x0, 0), max(y0, 0)
        cx1, cy1 = min(x0 + w, self.width), min(y0 + h, self.height)
        if cx0 >= cx1 or cy0 >= cy1:
            return
        a = alpha[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0, None]
        region = self.frame[cy0:cy1, cx0:cx1]
        blended = region + (np.asarray(sprite.rgb, dtype=np.float32) - region) * a
        np.rint(blended, out=blended)
        region[:] = blended.astype(np.uint8)
