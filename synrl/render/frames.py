"""Turn a simulation into RGB frames."""

from __future__ import annotations

from typing import Iterable, Iterator

import numpy as np

from synrl.render.canvas import Canvas, Sprite
from synrl.tasks.base import Simulation


def make_canvas(sim: Simulation) -> Canvas:
    video = sim.video
    canvas = Canvas(video.width, video.height, video.background)
    if "arena" in sim.scene:
        x0, y0, x1, y1 = sim.scene["arena"]
        w = int(sim.scene.get("wall_width", 4))
        canvas.draw_background_rect((x0 - w, y0 - w, x1 + w, y1 + w), video.wall, w)
    return canvas


def render_frames(sim: Simulation, order: Iterable[int] | None = None) -> Iterator[np.ndarray]:
    """Yield frames in `order` (default: forwards). The yielded array is reused: copy it to
    keep it."""
    canvas = make_canvas(sim)
    indices = range(sim.num_frames) if order is None else order
    for i in indices:
        canvas.clear()
        for track in sim.tracks:
            if track.visible[i]:
                canvas.draw(Sprite(track.shape, track.rgb, float(track.x[i]), float(track.y[i]),
                                   track.radius * float(track.scale[i]), float(track.angle[i])))
        yield canvas.frame
