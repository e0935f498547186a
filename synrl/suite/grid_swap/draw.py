"""Drawing of `grid_swap`: the board animation the "board" renderer plays, separate from
the simulation and the questions (task.py), which import it only to stage a video."""

from __future__ import annotations

import math
from typing import Hashable

from synrl.render.boards import Item, colour_centroid, ease
from synrl.render.gridboards import BoardGeometry
from synrl.render.shapes import PALETTE
from synrl.suite._longterm.base import BoardAnimation, Schedule, Story
from synrl.suite.grid_swap.task import LIFTED_COLORS, indices


# Cells the second cup of a swap bulges out by (see SwapAnimation._swap_points): measured
# over every pair of cells of a 5 x 5 board, 1.1 is the least that keeps both knobs clear.
DETOUR = 1.1


class SwapAnimation(BoardAnimation):
    def __init__(self, story: Story, schedule: Schedule, geometry: BoardGeometry):
        super().__init__(story, schedule, geometry)
        self.side = story.extra["side"]
        self.radius = max(5.0, round(0.3 * geometry.cell))

    def _swap_points(self, k: int, p: float) -> dict[int, tuple[int, int]]:
        """Positions of the two moving cups of swap k, keyed by their starting cell.

        The first cup slides straight; the second goes round it, bulging
        `DETOUR` cells towards the middle of the board, far enough that neither cup ever
        covers the other's knob and the detour stays on the board."""
        a, b = indices(self.story.ops[k], self.side)
        pa, pb = self.centre(a), self.centre(b)
        g = self.geometry
        dx, dy = pb[0] - pa[0], pb[1] - pa[1]
        length = math.hypot(dx, dy)
        nx, ny = -dy / length, dx / length
        mid = ((pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2)
        middle = (g.x0 + g.cols * g.cell / 2, g.y0 + g.rows * g.cell / 2)
        if (middle[0] - mid[0]) * nx + (middle[1] - mid[1]) * ny < 0:
            nx, ny = -nx, -ny
        e = ease(p)
        bulge = DETOUR * g.cell * 4 * e * (1 - e)
        first = (pa[0] + dx * e, pa[1] + dy * e)
        second = (pb[0] - dx * e + bulge * nx, pb[1] - dy * e + bulge * ny)
        return {a: (int(round(first[0])), int(round(first[1]))),
                b: (int(round(second[0])), int(round(second[1])))}

    def lifted_key(self, which: int) -> tuple:
        """Sprite of the cup that starts in the swap's first (0) or second (1) cell."""
        return ("lifted_cup", self.geometry.cell, PALETTE[LIFTED_COLORS[which]])

    def lifted(self, frame: int) -> list[tuple[float, float] | None]:
        """Where the audit finds the knob of each moving cup (None outside a swap)."""
        active = self.schedule.active(frame)
        if active is None:
            return [None, None]
        points = list(self._swap_points(*active).values())
        out = []
        for which, (x, y) in enumerate(points):
            dx, dy = colour_centroid(self.lifted_key(which),
                                     PALETTE[LIFTED_COLORS[which]])
            out.append((x + dx, y + dy))
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
        # The two moving cups are drawn last, above the cups at rest they pass over, with
        # coloured knobs: a swap is seen as two cups changing places.
        return [(self.lifted_key(which), *pos)
                for which, pos in enumerate(self._swap_points(*active).values())]
