"""Drawing of `sliding_puzzle`: the board animation the "board" renderer plays, separate from
the simulation and the questions (task.py), which import it only to stage a video."""

from __future__ import annotations

from typing import Hashable

from synrl.render.boards import Item, ease, lerp_point
from synrl.render.gridboards import BoardGeometry, PUZZLE_GAP, cell_name, parse_cell
from synrl.render.shapes import PALETTE
from synrl.suite._longterm.base import BoardAnimation, Schedule, Story
from synrl.suite.sliding_puzzle.task import BLANK, SLIDING_COLOR


class PuzzleAnimation(BoardAnimation):
    label_scale = 0.26

    def __init__(self, story: Story, schedule: Schedule, geometry: BoardGeometry):
        super().__init__(story, schedule, geometry)
        self.side = story.extra["side"]
        self.font_size = max(9, round(0.5 * geometry.cell))
        self.sliding_rgb = PALETTE[SLIDING_COLOR]

    def slide(self, frame: int) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]] | None:
        """(centre of the tile's start cell, of the empty cell, of the sliding tile now) while
        a tile slides; None otherwise."""
        active = self.schedule.active(frame)
        if active is None or self.schedule.phase(frame) != "operations":
            return None
        k, p = active
        rf, cf = parse_cell(self.story.ops[k]["from"])
        a = self.centre(rf * self.side + cf)
        b = self.centre(self.story.states[k].index(BLANK))
        x, y = lerp_point(a, b, ease(p))
        return a, b, (int(round(x)), int(round(y)))

    def background(self, frame: int) -> Hashable:
        phase = self.schedule.phase(frame)
        if phase != "operations":
            return (phase == self.story.reveal, 0 if phase == "initial" else self.story.n, None)
        active = self.schedule.active(frame)
        if active is None:
            return (False, self.schedule.completed(frame), None)
        return (False, active[0], self.story.ops[active[0]]["from"])

    def background_items(self, key: Hashable) -> list[Item]:
        numbered, step, moving = key
        g = self.geometry
        margin = max(3, round(0.05 * g.cell))
        size = self.side * g.cell
        items = g.labels(self.label_size)
        items.append((("box", size + 2 * margin, size + 2 * margin, PUZZLE_GAP, 0.04 * size),
                      g.x0 + (size - 1) / 2, g.y0 + (size - 1) / 2))
        state = self.story.states[step]
        for index, tile in enumerate(state):
            if tile == BLANK or (moving and cell_name(*divmod(index, self.side)) == moving):
                continue
            items.append((("tile", g.cell, str(tile) if numbered else "", self.font_size),
                          *self.centre(index)))
        return items

    def items(self, frame: int) -> list[Item]:
        sliding = self.slide(frame)
        if sliding is None:
            return []
        return [(("solid_tile", self.geometry.cell, self.sliding_rgb), *sliding[2])]
