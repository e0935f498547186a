"""Sprites and geometry of the lettered/numbered boards (`math_trail`, `grid_swap`,
`sliding_puzzle`): columns a, b, c ... from the left, rows 1, 2, 3 ... from the top."""

from __future__ import annotations

import string
from dataclasses import dataclass

from synrl.render.boards import RGB, Item, Patch, Sprite, odd, sprite_factory

BOARD_LINE = (150, 150, 158)
CELL_FILL = (246, 244, 238)
COVER_FILL = (72, 82, 98)
COVER_EDGE = (45, 52, 64)
SYMBOL_INK = (25, 25, 35)
LABEL_INK = (110, 112, 120)


def cell_name(row: int, col: int) -> str:
    """"b3": column b (second from the left), row 3 (third from the top)."""
    return f"{string.ascii_lowercase[col]}{row + 1}"


def parse_cell(name: str) -> tuple[int, int]:
    return int(name[1:]) - 1, string.ascii_lowercase.index(name[0])


@dataclass(frozen=True)
class BoardGeometry:
    """A rows x cols board of square cells of `cell` px whose top-left corner is (x0, y0)."""

    rows: int
    cols: int
    cell: int
    x0: int
    y0: int

    @classmethod
    def centred(cls, width: int, height: int, rows: int, cols: int,
                fill: float = 0.82) -> "BoardGeometry":
        # Odd cell sizes put every cell centre on a pixel centre (tracked objects sit there).
        cell = odd(min(width, height) * fill / max(rows, cols)) - 2
        x0 = (width - cols * cell) // 2 + round(0.02 * min(width, height))
        y0 = (height - rows * cell) // 2 + round(0.02 * min(width, height))
        return cls(rows, cols, cell, x0, y0)

    def centre(self, row: int, col: int) -> tuple[int, int]:
        half = self.cell // 2
        return self.x0 + col * self.cell + half, self.y0 + row * self.cell + half

    def to_scene(self) -> dict:
        return {"rows": self.rows, "cols": self.cols, "cell": self.cell, "x0": self.x0,
                "y0": self.y0}

    def arena(self) -> list[int]:
        """The board's box [x0, y0, x1, y1] (what the audit searches for tracked objects)."""
        return [self.x0, self.y0, self.x0 + self.cols * self.cell, self.y0 + self.rows * self.cell]

    def labels(self, size: int, ink: RGB = LABEL_INK) -> list[Item]:
        """Column letters above the board and row numbers to its left."""
        items: list[Item] = []
        for c in range(self.cols):
            x, _ = self.centre(0, c)
            items.append((("text", string.ascii_lowercase[c], size, ink), x, self.y0 - 0.6 * size))
        for r in range(self.rows):
            _, y = self.centre(r, 0)
            items.append((("text", str(r + 1), size, ink), self.x0 - 0.7 * size, y))
        return items


@sprite_factory("cell")
def cell_sprite(size: int, symbol: str, covered: bool, font_size: int) -> Sprite:
    """One board cell: a symbol on a light square, or a dark cover hiding it."""
    patch = Patch(size, size)
    half = (size - 1) / 2
    patch.box(half + 0.5, half + 0.5, BOARD_LINE)
    if covered:
        patch.box(half - 1, half - 1, COVER_EDGE, 0.1 * size)
        patch.box(half - 3, half - 3, COVER_FILL, 0.1 * size - 2)
    else:
        patch.box(half - 1, half - 1, CELL_FILL)
        if symbol:
            patch.text(symbol, font_size, SYMBOL_INK)
    return patch.sprite()


@sprite_factory("ball")
def ball_sprite(radius: float, rgb: RGB, halo: float) -> Sprite:
    """A solid ball in a white ring (see synrl.render.tabletop: the colour then meets only
    white under chroma subsampling)."""
    size = odd(2 * (radius + halo) + 2)
    patch = Patch(size, size)
    patch.circle(radius + halo, (255, 255, 255))
    return patch.circle(radius, rgb).sprite()


@sprite_factory("shape")
def shape_sprite(shape: str, rgb: RGB, radius: float) -> Sprite:
    """A palette shape (synrl.render.shapes) whose area centroid is the anchor."""
    from synrl.render.canvas import Sprite as ShapeSprite, coverage

    centre = float(int(radius) + 4)
    x0, y0, alpha = coverage(ShapeSprite(shape, rgb, centre, centre, radius, 0.0))
    patch = Patch(alpha.shape[1], alpha.shape[0], anchor=(centre - x0, centre - y0))
    return patch.paint(alpha, rgb).sprite()


# Cups are white with a dark rim and knob: nearly all their pixels are background to the
# pixel audit, which then only measures what differs from it (several times faster than
# over a board full of dark covers).
CUP_FILL = (246, 247, 250)


@sprite_factory("cup")
def cup_sprite(size: int) -> Sprite:
    """A cup seen from above, covering one cell (identical for every cell)."""
    patch = Patch(size, size)
    half = (size - 1) / 2
    rim = max(2.0, round(0.05 * size))
    patch.box(half - 2, half - 2, COVER_EDGE, 0.22 * size)
    patch.box(half - 2 - rim, half - 2 - rim, CUP_FILL, 0.22 * size - rim)
    patch.circle(0.14 * size, COVER_EDGE, outline=rim)
    return patch.sprite()


def lifted_knob_radius(size: int) -> float:
    """Radius of the coloured knob of a moving cup of `size` (at least a few pixels wide,
    even on the smallest boards, so there is something to see)."""
    rim = max(2.0, round(0.05 * size))
    return max(0.14 * size - rim, 1.5)


@sprite_factory("lifted_cup")
def lifted_cup_sprite(size: int, rgb: RGB) -> Sprite:
    """A cup being moved: the cup with its knob filled with `rgb`, the colour the pixel
    audit follows it by (the cups at rest are identical and colourless)."""
    patch = Patch(size, size)
    half = (size - 1) / 2
    rim = max(2.0, round(0.05 * size))
    patch.box(half - 2, half - 2, COVER_EDGE, 0.22 * size)
    patch.box(half - 2 - rim, half - 2 - rim, CUP_FILL, 0.22 * size - rim)
    patch.circle(0.14 * size, COVER_EDGE, outline=rim)
    patch.circle(lifted_knob_radius(size), rgb)
    return patch.sprite()


# Cells under coloured objects stay so light that neither they nor their antialiased edges
# come near any object colour as the pixel audit measures colours (coverage < 0.2 on every
# background-to-colour segment); grey grid lines would.
PALE_CELL = (245, 244, 241)
PALE_EDGE = (233, 231, 227)


@sprite_factory("pale_cell")
def pale_cell_sprite(size: int) -> Sprite:
    patch = Patch(size, size)
    half = (size - 1) / 2
    patch.box(half - 1.5, half - 1.5, PALE_EDGE, 0.08 * size)
    return patch.box(half - 3.5, half - 3.5, PALE_CELL, 0.08 * size - 2).sprite()


# Sliding puzzle: cream tiles with dark numbers on a brown board (the empty slot shows the
# board); a sliding tile is drawn solid cyan, a colour that no blend of the tile, board and
# ink colours comes near (it is the tracked object).
PUZZLE_GAP = (160, 130, 90)
PUZZLE_TILE = (240, 228, 200)
PUZZLE_INK = (30, 30, 40)


def tile_inset(size: int) -> float:
    """Half-width of a tile inside its cell: every tile is surrounded by the same board gap,
    so a sliding tile's colour meets the board colour on every side."""
    return (size - 1) / 2 - max(2.0, round(0.05 * size))


@sprite_factory("tile")
def tile_sprite(size: int, label: str, font_size: int) -> Sprite:
    patch = Patch(size, size)
    half = tile_inset(size)
    patch.box(half + 0.5, half + 0.5, PUZZLE_TILE, 0.08 * size)
    if label:
        patch.text(label, font_size, PUZZLE_INK)
    return patch.sprite()


@sprite_factory("solid_tile")
def solid_tile_sprite(size: int, rgb: RGB, halo: float = 3.0) -> Sprite:
    """A tile of one solid colour in a thin white ring (as for the cards in hand: its colour
    then meets only white under chroma subsampling, which keeps its measured centre)."""
    patch = Patch(size, size)
    half = tile_inset(size)
    patch.box(half + 0.5 + halo, half + 0.5 + halo, (255, 255, 255), 0.08 * size + halo)
    return patch.box(half + 0.5, half + 0.5, rgb, 0.08 * size).sprite()


@sprite_factory("lid")
def lid_sprite(size: int) -> Sprite:
    """A blank lid over one board cell: a dark rim and an inner line, nothing that could be
    read as a symbol (mostly white, like the cups)."""
    patch = Patch(size, size)
    half = (size - 1) / 2
    rim = max(2.0, round(0.05 * size))
    patch.box(half - 1, half - 1, COVER_EDGE, 0.12 * size)
    patch.box(half - 1 - rim, half - 1 - rim, CUP_FILL, 0.12 * size - rim)
    patch.box(half - 2 * rim - 3, half - 2 * rim - 3, (150, 160, 178), 0.08 * size, outline=1.5)
    return patch.sprite()
