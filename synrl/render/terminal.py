"""Sprites and layout of a light-theme terminal (`file_system`): monospace lines, a prompt
and a block cursor."""

from __future__ import annotations

from dataclasses import dataclass

from synrl.render.boards import Patch, Sprite, font, odd, sprite_factory

PAPER = (250, 250, 247)
TITLE_BAR = (222, 223, 228)
TEXT = (30, 32, 40)
PROMPT = (20, 120, 50)
DIRECTORY = (25, 70, 170)
MUTED = (120, 122, 130)
HIDDEN_FILL = (205, 207, 214)


@dataclass(frozen=True)
class TerminalLayout:
    """Character grid of the terminal: `columns` x `rows` cells of `char_w` x `line_h` px
    starting at (`left`, `top`)."""

    width: int
    height: int
    font_size: int
    char_w: float
    line_h: int
    left: int
    top: int
    rows: int
    columns: int
    title_h: int

    @classmethod
    def for_frame(cls, width: int, height: int) -> "TerminalLayout":
        scale = min(width, height) / 448.0
        size = max(9, round(16 * scale))
        char_w = font(size).getlength("M")
        line_h = round(1.32 * size)
        title_h = round(24 * scale)
        left = round(10 * scale)
        top = title_h + round(8 * scale)
        rows = (height - top - round(6 * scale)) // line_h
        columns = int((width - 2 * left) // char_w)
        return cls(width, height, size, char_w, line_h, left, top, rows, columns, title_h)

    def line_centre(self, row: int) -> float:
        return self.top + (row + 0.5) * self.line_h

    def cell_centre(self, row: int, column: int) -> tuple[float, float]:
        return self.left + (column + 0.5) * self.char_w, self.line_centre(row)

    @property
    def cursor_size(self) -> tuple[int, int]:
        """A block narrower than a cell, so a white gap always separates it from the glyphs
        beside it (its colour then mixes only with white under chroma subsampling)."""
        return odd(0.62 * self.char_w), odd(0.78 * self.line_h)


@sprite_factory("cursor")
def cursor_sprite(width: int, height: int, rgb: tuple[int, int, int]) -> Sprite:
    patch = Patch(width, height)
    return patch.box((width - 1) / 2 + 0.5, (height - 1) / 2 + 0.5, rgb).sprite()


@sprite_factory("title_bar")
def title_bar_sprite(width: int, height: int, title: str, size: int) -> Sprite:
    patch = Patch(width, height)
    patch.box(width / 2, height / 2, TITLE_BAR)
    for k in range(3):
        patch.circle(0.2 * height, MUTED, dx=-width / 2 + (0.6 + 0.55 * k) * height)
    patch.text(title, size, MUTED)
    return patch.sprite()
