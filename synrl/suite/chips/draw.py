"""Drawing of `chips`: the board animation the "board" renderer plays, separate from
the simulation and the questions (task.py), which import it only to stage a video."""

from __future__ import annotations

from typing import Any, Hashable

from synrl.render.boards import Item, colour_centroid, ease, ink_for, lerp_point, odd
from synrl.render.shapes import PALETTE
from synrl.render.tabletop import HALO_GAP
from synrl.suite.base import VideoSpec
from synrl.suite._longterm.base import Schedule, Story, frame_size_scale
from synrl.suite.chips.task import CHIP_COLOR, CUP_NAMES, cup_name


class ChipLayout:
    """Cups in a 2 x 2 grid (reading order), the new-chip and removed-chip spots above."""

    def __init__(self, video: VideoSpec, n_cups: int):
        s = frame_size_scale(video)
        w, h = video.width, video.height
        self.scale = s
        self.tray = (odd(0.45 * w), odd(0.28 * h))
        self.cups = [(round(w * (0.25 if i % 2 == 0 else 0.75)),
                      round(h * (0.43 if i < 2 else 0.79))) for i in range(n_cups)]
        self.chip_r = max(6, round(min(20 * s, 0.105 * self.tray[0], 0.19 * self.tray[1])))
        self.bank = (round(0.25 * w), round(0.14 * h))
        self.discard = (round(0.75 * w), round(0.14 * h))

    def chip_slot(self, cup: int, index: int) -> tuple[int, int]:
        cx, cy = self.cups[cup]
        col, row = index % 4, index // 4
        step = 2.3 * self.chip_r
        return round(cx + (col - 1.5) * step), round(cy + (row - 0.5) * 2.4 * self.chip_r)

    def to_scene(self) -> dict[str, Any]:
        return {"cups": {CUP_NAMES[i]: list(c) for i, c in enumerate(self.cups)},
                "tray": list(self.tray), "chip_radius": self.chip_r, "bank": list(self.bank),
                "discard": list(self.discard)}


class ChipAnimation:
    def __init__(self, story: Story, schedule: Schedule, layout: ChipLayout,
                 background: tuple[int, int, int]):
        self.story, self.schedule, self.layout = story, schedule, layout
        self.ink = ink_for(background)
        self.background_rgb = background
        self.color = PALETTE[CHIP_COLOR]

    def chip_key(self, value: int, halo: bool) -> tuple:
        return ("chip", value, float(self.layout.chip_r), self.color,
                float(HALO_GAP) if halo else 0.0)

    def centroid_offset(self, value: int) -> tuple[float, float]:
        """Where the audit finds a chip in hand relative to its centre (its value is ink)."""
        return colour_centroid(self.chip_key(value, True), self.color)

    def hand(self, frame: int) -> tuple[int, tuple[int, int]] | None:
        """(value, integer centre) of the chip in hand during an operation."""
        active = self.schedule.active(frame)
        if active is None:
            return None
        k, p = active
        op, lay = self.story.ops[k], self.layout
        kind = op["op"]
        if kind == "add":
            a, b = lay.bank, lay.cups[CUP_NAMES.index(op["cup"])]
        elif kind == "remove":
            a, b = lay.cups[CUP_NAMES.index(op["cup"])], lay.discard
        else:
            a = lay.cups[CUP_NAMES.index(op["from_cup"])]
            b = lay.cups[CUP_NAMES.index(op["to_cup"])]
        x, y = lerp_point(a, b, ease(p))
        return op["value"], (int(round(x)), int(round(y)))

    def covered(self, frame: int) -> bool:
        phase = self.schedule.phase(frame)
        return phase == "operations" or phase != self.story.reveal

    def background(self, frame: int) -> Hashable:
        if self.covered(frame):
            return ("covered",)
        return ("open", 0 if self.schedule.phase(frame) == "initial" else self.story.n)

    def background_items(self, key: Hashable) -> list[Item]:
        lay, s = self.layout, self.layout.scale
        size = max(8, round(17 * s))
        items: list[Item] = []
        for label, (x, y) in (("new chips", lay.bank), ("removed", lay.discard)):
            items.append((("box", 2.6 * lay.chip_r, 2.6 * lay.chip_r, (150, 150, 155),
                           1.3 * lay.chip_r, 1.5), x, y))
            items.append((("text", label, size, self.ink), x, y - 1.3 * lay.chip_r - size))
        covered = key[0] == "covered"
        for i, (cx, cy) in enumerate(lay.cups):
            items.append((("text", cup_name(i), size, self.ink), cx,
                          cy - lay.tray[1] / 2 - 0.8 * size))
            items.append((("tray", *lay.tray, covered), cx, cy))
            if not covered:
                for j, value in enumerate(self.story.states[key[1]][i]):
                    items.append((self.chip_key(value, False), *lay.chip_slot(i, j)))
        return items

    def items(self, frame: int) -> list[Item]:
        hand = self.hand(frame)
        lay = self.layout
        if hand is None:
            done = self.schedule.completed(frame)
            if self.schedule.phase(frame) == "operations" and done and \
                    self.story.ops[done - 1]["op"] == "remove":
                return [(self.chip_key(self.story.ops[done - 1]["value"], False), *lay.discard)]
            return []
        value, pos = hand
        # The chip in hand is drawn last, above the lids it passes over: it is in full view
        # for the whole operation (a chip slid under the lids could not be followed).
        return [(self.chip_key(value, True), *pos)]
