"""Drawing toolkit and renderer of the long-term scenes (card tables, cups, boards, a
terminal).

A long-term simulation carries an `Animation` in `sim.facts["animation"]`: for every frame
it names a background (static drawing, built once per key and cached) and a short list of
`Item`s, each a sprite key plus a position, composited on top. Sprites are built once per
key by a registered factory, so a frame costs one copy of the background and a few small
alpha blends, far below the cost of H.264 encoding.

Geometry follows synrl's pixel convention: pixel (i, j) has its centre at (i, j). Shapes are
drawn from signed distance fields with analytic antialiasing, symmetric about the sprite's
anchor; a sprite of odd size has an integer anchor, so placed at an integer position its
drawn area centroid is exactly that position. Tasks record such sprites in `tracks`, and
the pixel audit measures them to a small fraction of a pixel.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Hashable, Iterable, Iterator, Protocol, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from synrl.scene import Simulation

FONT_PATH = Path(__file__).parent / "fonts" / "DejaVuSansMono-Bold.ttf"

RGB = tuple[int, int, int]
# A sprite key: (factory name, *hashable parameters).
Key = tuple
# One drawing: sprite key and the position of the sprite's anchor (pixels).
Item = tuple[Key, float, float]


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont:
    """The shipped monospace bold font (DejaVu Sans Mono Bold) at `size` pixels: the same
    glyphs on every machine, legible after H.264 from about 12 px."""
    return ImageFont.truetype(str(FONT_PATH), max(6, int(size)))


def ink_for(background: RGB) -> RGB:
    """Dark text on a light background, light text on a dark one."""
    luma = 0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2]
    return (25, 25, 35) if luma >= 128 else (235, 235, 235)


@dataclass(frozen=True)
class Sprite:
    """Premultiplied colour (H, W, 3) and coverage (H, W), both float32 in [0, 255] / [0, 1];
    `anchor` is the point (x, y) in patch pixels that an item's position refers to."""

    rgb: np.ndarray
    alpha: np.ndarray
    anchor: tuple[float, float]

    @property
    def size(self) -> tuple[int, int]:
        return self.alpha.shape[1], self.alpha.shape[0]


def placement(sprite: Sprite, x: float, y: float) -> tuple[int, int]:
    """Top-left pixel where a sprite lands when its anchor is placed at (x, y)."""
    return int(round(x - sprite.anchor[0])), int(round(y - sprite.anchor[1]))


# ---------------------------------------------------------------------------- patches

def box_sdf(px: np.ndarray, py: np.ndarray, half_w: float, half_h: float,
            radius: float = 0.0) -> np.ndarray:
    """Signed distance to a rounded box centred at the origin (negative inside)."""
    radius = min(radius, half_w, half_h)
    qx = np.abs(px) - half_w + radius
    qy = np.abs(py) - half_h + radius
    outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
    inside = np.minimum(np.maximum(qx, qy), 0)
    return outside + inside - radius


def circle_sdf(px: np.ndarray, py: np.ndarray, radius: float) -> np.ndarray:
    return np.hypot(px, py) - radius


def cover(sdf: np.ndarray) -> np.ndarray:
    """Antialiased coverage of the region sdf < 0 (one-pixel ramp, symmetric)."""
    return np.clip(0.5 - sdf, 0.0, 1.0).astype(np.float32)


def band(sdf: np.ndarray, width: float) -> np.ndarray:
    """Coverage of an outline of `width` pixels lying just inside the region sdf < 0."""
    return cover(np.maximum(sdf, -(sdf + width)))


class Patch:
    """A sprite under construction: layers painted over each other (premultiplied)."""

    def __init__(self, width: int, height: int, anchor: tuple[float, float] | None = None):
        self.width, self.height = int(width), int(height)
        self.rgb = np.zeros((self.height, self.width, 3), dtype=np.float32)
        self.alpha = np.zeros((self.height, self.width), dtype=np.float32)
        self.cx, self.cy = (self.width - 1) / 2, (self.height - 1) / 2
        self.anchor = anchor if anchor is not None else (self.cx, self.cy)
        ys, xs = np.mgrid[0 : self.height, 0 : self.width].astype(np.float32)
        # Coordinates relative to the patch centre, where shapes are centred by default.
        self.px, self.py = xs - self.cx, ys - self.cy

    def paint(self, coverage: np.ndarray, rgb: RGB) -> "Patch":
        a = coverage.astype(np.float32)
        self.rgb *= (1.0 - a)[..., None]
        self.rgb += a[..., None] * np.asarray(rgb, dtype=np.float32)
        self.alpha = a + self.alpha * (1.0 - a)
        return self

    def box(self, half_w: float, half_h: float, rgb: RGB, radius: float = 0.0,
            outline: float = 0.0, dx: float = 0.0, dy: float = 0.0) -> "Patch":
        """A filled rounded box, or only its outline when `outline` > 0."""
        sdf = box_sdf(self.px - dx, self.py - dy, half_w, half_h, radius)
        return self.paint(band(sdf, outline) if outline else cover(sdf), rgb)

    def circle(self, radius: float, rgb: RGB, outline: float = 0.0, dx: float = 0.0,
               dy: float = 0.0) -> "Patch":
        sdf = circle_sdf(self.px - dx, self.py - dy, radius)
        return self.paint(band(sdf, outline) if outline else cover(sdf), rgb)

    def text(self, text: str, size: int, rgb: RGB, dx: float = 0.0, dy: float = 0.0,
             anchor: str = "mm") -> "Patch":
        """Text placed by Pillow's `anchor` convention at (centre + (dx, dy))."""
        mask = Image.new("L", (self.width, self.height), 0)
        ImageDraw.Draw(mask).text((self.cx + dx + 0.5, self.cy + dy + 0.5), text,
                                  font=font(size), fill=255, anchor=anchor)
        return self.paint(np.asarray(mask, dtype=np.float32) / 255.0, rgb)

    def sprite(self) -> Sprite:
        return Sprite(self.rgb, self.alpha, self.anchor)


# --------------------------------------------------------------------------- factories

_FACTORIES: dict[str, Callable[..., Sprite]] = {}


def sprite_factory(kind: str) -> Callable[[Callable[..., Sprite]], Callable[..., Sprite]]:
    """Register the builder of sprites whose key starts with `kind`."""
    def decorator(fn: Callable[..., Sprite]) -> Callable[..., Sprite]:
        _FACTORIES[kind] = fn
        return fn
    return decorator


@lru_cache(maxsize=4096)
def get_sprite(key: Key) -> Sprite:
    """The sprite of a key, built once per process."""
    kind, *params = key
    if kind not in _FACTORIES:
        raise KeyError(f"no sprite factory {kind!r}; known: {', '.join(sorted(_FACTORIES))}")
    return _FACTORIES[kind](*params)


def odd(n: float) -> int:
    """The odd integer nearest above `n`: sprites of odd size have a pixel-centred anchor."""
    k = int(np.ceil(n))
    return k if k % 2 else k + 1


@sprite_factory("text")
def text_sprite(text: str, size: int, rgb: RGB, anchor: str = "mm") -> Sprite:
    """A line of text whose `anchor` (Pillow convention, "mm": middle) is the item position."""
    f = font(size)
    left, top, right, bottom = f.getbbox(text, anchor=anchor)
    pad = 2
    width, height = int(right - left) + 2 * pad, int(bottom - top) + 2 * pad
    mask = Image.new("L", (max(width, 1), max(height, 1)), 0)
    ImageDraw.Draw(mask).text((pad - left, pad - top), text, font=f, fill=255, anchor=anchor)
    patch = Patch(mask.width, mask.height, anchor=(pad - left, pad - top))
    return patch.paint(np.asarray(mask, dtype=np.float32) / 255.0, rgb).sprite()


@sprite_factory("box")
def box_sprite(width: float, height: float, rgb: RGB, radius: float = 0.0,
               outline: float = 0.0) -> Sprite:
    """A filled (or outlined) rounded box centred on its anchor."""
    patch = Patch(odd(width + 2), odd(height + 2))
    return patch.box(width / 2, height / 2, rgb, radius, outline).sprite()


@sprite_factory("disc")
def disc_sprite(radius: float, rgb: RGB) -> Sprite:
    patch = Patch(odd(2 * radius + 2), odd(2 * radius + 2))
    return patch.circle(radius, rgb).sprite()


# --------------------------------------------------------------------------- animation

class Animation(Protocol):
    """What the "board" renderer needs from a long-term simulation."""

    def background(self, frame: int) -> Hashable:
        """Key of the static drawing under frame `frame`."""

    def background_items(self, key: Hashable) -> Sequence[Item]:
        """Items of the static drawing `key`, drawn once onto the plain background."""

    def items(self, frame: int) -> Sequence[Item]:
        """What moves or changes in frame `frame`, drawn over the background in order."""


def blend(frame: np.ndarray, sprite: Sprite, x: float, y: float) -> None:
    """Composite a sprite onto a float32 frame with its anchor at (x, y), clipped."""
    left, top = placement(sprite, x, y)
    width, height = sprite.size
    fh, fw = frame.shape[:2]
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + width, fw), min(top + height, fh)
    if x0 >= x1 or y0 >= y1:
        return
    sx, sy = x0 - left, y0 - top
    a = sprite.alpha[sy : sy + y1 - y0, sx : sx + x1 - x0, None]
    region = frame[y0:y1, x0:x1]
    region *= 1.0 - a
    region += sprite.rgb[sy : sy + y1 - y0, sx : sx + x1 - x0]


class Compositor:
    """Frames of an animation: cached backgrounds plus per-frame items."""

    def __init__(self, width: int, height: int, background: RGB, animation: Animation):
        self.width, self.height = width, height
        self.plain = np.empty((height, width, 3), dtype=np.float32)
        self.plain[:] = np.asarray(background, dtype=np.float32)
        self.animation = animation
        self._backgrounds: dict[Hashable, np.ndarray] = {}
        self._work = np.empty_like(self.plain)
        self._out = np.empty((height, width, 3), dtype=np.uint8)

    def _background(self, key: Hashable) -> np.ndarray:
        if key not in self._backgrounds:
            if len(self._backgrounds) >= 16:
                self._backgrounds.pop(next(iter(self._backgrounds)))
            canvas = self.plain.copy()
            for item in self.animation.background_items(key):
                blend(canvas, get_sprite(item[0]), item[1], item[2])
            self._backgrounds[key] = canvas
        return self._backgrounds[key]

    def frame(self, index: int) -> np.ndarray:
        np.copyto(self._work, self._background(self.animation.background(index)))
        for key, x, y in self.animation.items(index):
            blend(self._work, get_sprite(key), x, y)
        np.rint(self._work, out=self._work)
        np.clip(self._work, 0, 255, out=self._work)
        self._out[:] = self._work
        return self._out


def render_board(sim: "Simulation", indices: Iterable[int]) -> Iterator[np.ndarray]:
    """Renderer of every long-term task (registered as "board" by synrl.suite._longterm.base; this
    module imports nothing from synrl.suite): the simulation's `facts["animation"]`."""
    compositor = Compositor(sim.video.width, sim.video.height, sim.video.background,
                            sim.facts["animation"])
    for i in indices:
        yield compositor.frame(i)


# ------------------------------------------------------------------------------ motion

def ease(p: float) -> float:
    """Smooth start and stop of a move (cubic ease-in-out), p in [0, 1]."""
    p = min(max(p, 0.0), 1.0)
    return p * p * (3 - 2 * p)


def lerp_point(a: Sequence[float], b: Sequence[float], p: float) -> tuple[float, float]:
    return a[0] + (b[0] - a[0]) * p, a[1] + (b[1] - a[1]) * p


def arc_point(a: Sequence[float], b: Sequence[float], p: float, lift: float) -> tuple[float, float]:
    """Point at progress p on a path from a to b bulging by `lift` pixels (negative: up)."""
    x, y = lerp_point(a, b, p)
    return x, y + lift * 4 * p * (1 - p)


@lru_cache(maxsize=4096)
def colour_centroid(key: Key, rgb: RGB,
                    background: RGB = (255, 255, 255)) -> tuple[float, float]:
    """Offset from the anchor of the sprite of `key` to the centroid of its pixels of colour
    `rgb` as the pixel audit (synrl.audit.observe) measures them over `background`: where a
    tracked object carries text, its recorded centre is this centroid, not the shape's centre.
    Cached per process like the sprites: a board task asks it for every frame of a move."""
    from synrl.scene import MAX_RESIDUAL, MIN_COVERAGE

    sprite = get_sprite(key)
    bg = np.asarray(background, dtype=np.float32)
    pixels = bg * (1.0 - sprite.alpha[..., None]) + sprite.rgb - bg
    direction = np.asarray(rgb, dtype=np.float32) - bg
    alpha = pixels @ direction / float(direction @ direction)
    residual = np.linalg.norm(pixels - alpha[..., None] * direction, axis=-1)
    weight = np.where((residual < MAX_RESIDUAL) & (alpha > MIN_COVERAGE),
                      np.clip(alpha, 0.0, 1.0), 0.0)
    ys, xs = np.mgrid[0 : weight.shape[0], 0 : weight.shape[1]]
    total = float(weight.sum())
    return (float((weight * xs).sum()) / total - sprite.anchor[0],
            float((weight * ys).sum()) / total - sprite.anchor[1])
