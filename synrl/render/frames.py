"""Turn a simulation into RGB frames.

Renderers register by name; a simulation names the one that draws it (`sprites`, the moving
shapes of short-term tasks, by default). A scene type that is not made of sprites (a card
table, a terminal) registers its own renderer in its own module.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np

from synrl.render.canvas import Canvas, Sprite
from synrl.registry import Registry
from synrl.render.shapes import PALETTE
from synrl.scene import Simulation

Renderer = Callable[[Simulation, Iterable[int]], Iterator[np.ndarray]]
RENDERERS: Registry[Renderer] = Registry("renderer")


def register_renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Decorator registering a renderer that simulations name in ``Simulation.renderer``."""
    return RENDERERS.register(name)


def render_frames(sim: Simulation, order: Iterable[int] | None = None) -> Iterator[np.ndarray]:
    """Yield frames, (H, W, 3) RGB or (H, W, 4) RGBA uint8 arrays, in `order` (default:
    forwards; reversed for time-reversal checks). The yielded array may be reused by the
    next frame: copy it to keep it."""
    indices = range(sim.num_frames) if order is None else order
    return RENDERERS.get(sim.renderer)(sim, indices)


def make_canvas(sim: Simulation) -> Canvas:
    video = sim.video
    canvas = Canvas(video.width, video.height, video.background)
    if "arena" in sim.scene:
        x0, y0, x1, y1 = sim.scene["arena"]
        w = int(sim.scene.get("wall_width", 4))
        canvas.draw_background_rect((x0 - w, y0 - w, x1 + w, y1 + w), video.wall, w)
    return canvas


@register_renderer("sprites")
def render_sprites(sim: Simulation, indices: Iterable[int]) -> Iterator[np.ndarray]:
    canvas = make_canvas(sim)
    for i in indices:
        canvas.clear()
        for track in sim.tracks:
            if track.visible[i]:
                canvas.draw(Sprite(track.shape_at(i), PALETTE[track.color_at(i)],
                                   float(track.x[i]), float(track.y[i]),
                                   track.radius * float(track.scale[i]), float(track.angle[i])))
        yield canvas.rgba
