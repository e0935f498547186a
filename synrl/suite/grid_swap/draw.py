"""Drawing of `grid_swap`: the board animation the "board" renderer plays, separate from
the simulation and the questions (task.py), which import it only to stage a video."""

from __future__ import annotations

from typing import Hashable

from synrl.render.boards import Item, arc_point, ease
from synrl.render.gridboards import BoardGeometry
from synrl.render.shapes import PALETTE
from synrl.suite._longterm.base import BoardAnimation, Schedule, Story
from synrl.suite.grid_swap.task import indices


class SwapAnimation(BoardAnimation):
    def __init__(self, story: Story, schedule: Schedule, geometry: BoardGeometry):
        super().__init__(story, schedule, geometry)
        self.side = story.extra["side"]
        self.radius = max(5.0, round(0.3 * geometry.cell))

    def _swap_points(self, k: int, p: float) -> dict[int, tuple[int, int]]:
        """Positions of the two moving cups of swap k, keyed by their starting cell."""
        a, b = indices(self.story.ops[k], self.side)
        pa, pb = self.centre(a), self.centre(b)
        lift = 0.45 * self.geometry.cell
        e = ease(p)
        out = {}
        for cell, start, end, sign in ((a, pa, pb, -1), (b, pb, pa, 1)):
            x, y = arc_point(start, end, e, sign * lift)
            out[cell] = (int(round(x)), int(round(y)))
        return out

    def object_positions(self, frame: int) -> tuple[list[tuple[int, int]], bool]:
        """Integer centre of every object (under its cup when covered), and whether the
        objects are uncovered in this frame."""
        phase = self.schedule.phase(frame)
        k = len(self.story.extra["objects"])
        if phase != "operations":
            state = self.story.states[0 if phase == "initial" else -1]
            return [self.centre(state.index(o)) for o in range(k)], phase == self.story.reveal
        active = self.schedule.active(frame)
        if active is None:
            state = self.story.states[self.schedule.completed(frame)]
            return [self.centre(state.index(o)) for o in range(k)], False
        step, p = active
        state = self.story.states[step]
        moving = self._swap_points(step, p)
        out = []
        for o in range(k):
            cell = state.index(o)
            out.append(moving.get(cell, self.centre(cell)))
        return out, False

    def background(self, frame: int) -> Hashable:
        phase = self.schedule.phase(frame)
        if phase != "operations":
            return ("open" if phase == self.story.reveal else "covered",
                    0 if phase == "initial" else self.story.n, None)
        active = self.schedule.active(frame)
        return ("covered", 0, indices(self.story.ops[active[0]], self.side) if active else None)

    def background_items(self, key: Hashable) -> list[Item]:
        kind, step, lifted = key
        g = self.geometry
        items = g.labels(self.label_size)
        state = self.story.states[step]
        for index in range(self.side * self.side):
            centre = self.centre(index)
            items.append((("pale_cell", g.cell), *centre))
            if kind == "open":
                o = state[index]
                if o >= 0:
                    obj = self.story.extra["objects"][o]
                    items.append((("shape", obj["shape"], PALETTE[obj["color"]],
                                   float(self.radius)), *centre))
            elif lifted is None or index not in lifted:
                items.append((("cup", g.cell), *centre))
        return items

    def items(self, frame: int) -> list[Item]:
        active = self.schedule.active(frame)
        if active is None:
            return []
        return [(("cup", self.geometry.cell), *pos) for pos in self._swap_points(*active).values()]
