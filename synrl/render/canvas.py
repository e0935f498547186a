"""Antialiased 2D rasteriser for sprites, on Skia (skia-python).

Skia draws analytically antialiased paths straight into a numpy RGBA buffer that PyAV then
encodes without a copy; a frame costs one memcpy of the static background plus a few
microseconds per sprite, far below the cost of H.264 encoding (see benchmarks/).

Pixel convention used throughout synrl: pixel (i, j) has its centre at coordinate (i, j)
and spans [i - 0.5, i + 0.5). Skia puts pixel centres at i + 0.5, hence the half-pixel
translation of every canvas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import skia

from synrl.render.shapes import unit_polygon


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


@lru_cache(maxsize=256)
def _paint(rgb: tuple[int, int, int]) -> skia.Paint:
    return skia.Paint(AntiAlias=True, Color=skia.Color(*rgb))


def _surface(buffer: np.ndarray) -> tuple[skia.Surface, skia.Canvas]:
    surface = skia.Surface(buffer, colorType=skia.kRGBA_8888_ColorType,
                           alphaType=skia.kPremul_AlphaType)
    canvas = surface.getCanvas()
    canvas.translate(0.5, 0.5)
    return surface, canvas


def _draw(canvas: skia.Canvas, sprite: Sprite) -> None:
    paint = _paint(tuple(int(c) for c in sprite.rgb))
    if sprite.shape == "circle":
        canvas.drawCircle(sprite.x, sprite.y, sprite.radius, paint)
        return
    path = skia.Path()
    path.addPoly([skia.Point(float(x), float(y)) for x, y in sprite_vertices(sprite)], True)
    canvas.drawPath(path, paint)


def coverage(sprite: Sprite) -> tuple[int, int, np.ndarray]:
    """Antialiased coverage of a sprite: (x0, y0, alpha[h, w] in [0, 1]) over its box."""
    r = sprite.radius
    x0, y0 = math.floor(sprite.x - r) - 2, math.floor(sprite.y - r) - 2
    size = (math.ceil(sprite.y + r) + 3 - y0, math.ceil(sprite.x + r) + 3 - x0)
    buffer = np.zeros((*size, 4), dtype=np.uint8)
    buffer[..., 3] = 255
    surface, canvas = _surface(buffer)
    canvas.translate(-x0, -y0)
    _draw(canvas, Sprite(sprite.shape, (255, 255, 255), sprite.x, sprite.y, r, sprite.angle))
    del canvas, surface
    return x0, y0, buffer[..., 0].astype(np.float32) / 255.0


def sprite_box(sprite: Sprite) -> tuple[int, int, int, int] | None:
    """The drawn extent of a sprite, (x1, y1, x2, y2) in whole pixels: the first column and
    row of pixels it covers at least half, and one past the last (so x2 - x1 is the width in
    pixels); None for a sprite too small to cover any pixel half."""
    x0, y0, alpha = coverage(sprite)
    rows, cols = np.nonzero(alpha >= 0.5)
    if rows.size == 0:
        return None
    return (x0 + int(cols.min()), y0 + int(rows.min()), x0 + int(cols.max()) + 1,
            y0 + int(rows.max()) + 1)


class Canvas:
    """A frame buffer with a static background that sprites are drawn onto."""

    def __init__(self, width: int, height: int, background: tuple[int, int, int]):
        self.width, self.height = width, height
        self._background = np.empty((height, width, 4), dtype=np.uint8)
        self._background[..., :3] = background
        self._background[..., 3] = 255
        self.rgba = self._background.copy()
        self._surface, self._canvas = _surface(self.rgba)

    @property
    def background(self) -> np.ndarray:
        """The static background, (H, W, 3) uint8."""
        return self._background[..., :3]

    @background.setter
    def background(self, image: np.ndarray) -> None:
        self._background[..., :3] = image[..., :3]

    @property
    def frame(self) -> np.ndarray:
        """The current frame, (H, W, 3) uint8 (a view of the RGBA buffer)."""
        return self.rgba[..., :3]

    def draw_background_rect(self, box: tuple[float, float, float, float],
                             rgb: tuple[int, int, int], width: int) -> None:
        """Draw a rectangle outline into the static background (arena walls): `box` is the
        outer edge, `width` pixels thick, inclusive of both corners like Pillow's."""
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        for top, bottom, left, right in ((y0, y0 + width, x0, x1 + 1),
                                         (y1 + 1 - width, y1 + 1, x0, x1 + 1),
                                         (y0, y1 + 1, x0, x0 + width),
                                         (y0, y1 + 1, x1 + 1 - width, x1 + 1)):
            self._background[max(top, 0):bottom, max(left, 0):right, :3] = rgb

    def clear(self) -> None:
        np.copyto(self.rgba, self._background)

    def draw(self, sprite: Sprite) -> None:
        _draw(self._canvas, sprite)
