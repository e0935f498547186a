"""Drawing of `math_trail`: the board animation the "board" renderer plays, separate from
the simulation and the questions (task.py), which import it only to stage a video."""

from __future__ import annotations

from typing import Hashable

from synrl.render.boards import Item, ease, lerp_point
from synrl.render.gridboards import BoardGeometry
from synrl.render.shapes import PALETTE
from synrl.suite._longterm.base import BoardAnimation, Schedule, Story
from synrl.suite.math_trail.task import BALL_COLOR, HALO, show


class TrailAnimation(BoardAnimation):
    label_scale = 0.32

    def __init__(self, story: Story, schedule: Schedule, geometry: BoardGeometry):
        super().__init__(story, schedule, geometry)
        self.radius = max(4.0, round(0.26 * geometry.cell))
        self.font_size = max(8, round(0.55 * geometry.cell))
        self.rgb = PALETTE[BALL_COLOR]

    def ball(self, frame: int) -> tuple[tuple[int, int], bool]:
        """Integer centre of the ball, and whether it is on screen (during the hops only)."""
        path = self.story.extra["path"]
        phase = self.schedule.phase(frame)
        if phase == "initial":
            return self.geometry.centre(*path[0]), False
        if phase == "final":
            return self.geometry.centre(*path[-1]), False
        active = self.schedule.active(frame)
        if active is None:
            return self.geometry.centre(*path[self.schedule.completed(frame)]), True
        k, p = active
        x, y = lerp_point(self.geometry.centre(*path[k]), self.geometry.centre(*path[k + 1]),
                          ease(p))
        return (int(round(x)), int(round(y))), True

    def background(self, frame: int) -> Hashable:
        phase = self.schedule.phase(frame)
        return "open" if phase == self.story.reveal else "covered"

    def background_items(self, key: Hashable) -> list[Item]:
        g = self.geometry
        items = g.labels(self.label_size)
        board = self.story.extra["board"]
        for r in range(g.rows):
            for c in range(g.cols):
                items.append((("cell", g.cell, show(board[r][c]), False, self.font_size),
                              *g.centre(r, c)))
                if key == "covered":
                    items.append((("lid", g.cell), *g.centre(r, c)))
        return items

    def items(self, frame: int) -> list[Item]:
        pos, shown = self.ball(frame)
        return [(("ball", float(self.radius), self.rgb, HALO), *pos)] if shown else []
