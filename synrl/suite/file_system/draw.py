"""Drawing of `file_system`: the board animation the "board" renderer plays, separate from
the simulation and the questions (task.py), which import it only to stage a video."""

from __future__ import annotations

from typing import Hashable, Sequence

from synrl.render.boards import Item
from synrl.render.shapes import PALETTE
from synrl.render.terminal import HIDDEN_FILL, MUTED, PROMPT, TEXT, TerminalLayout
from synrl.suite._longterm.base import Schedule, Story
from synrl.suite.file_system.task import CURSOR_COLOR, HIDDEN_ROWS, Segment, tree_lines


class TerminalAnimation:
    """Screen contents per frame: completed lines (cached as backgrounds), the line being
    typed and the cursor."""

    TYPING_SHARE = 0.6  # of an operation's time spent typing; the rest shows the full line

    def __init__(self, story: Story, schedule: Schedule, layout: TerminalLayout):
        self.story, self.schedule, self.layout = story, schedule, layout
        self.cursor_rgb = PALETTE[CURSOR_COLOR]

    def _reveal_lines(self, step: int, visible: bool) -> list[list[Segment]]:
        head = [[("$ ", PROMPT), ("tree /", TEXT)]]
        if visible:
            return head + tree_lines(self.story.states[step])
        return head + [[("", TEXT)]] * HIDDEN_ROWS

    def screen(self, frame: int) -> tuple[tuple, list[Segment], int]:
        """(completed lines, typed segments of the prompt line, row of the prompt line)."""
        phase = self.schedule.phase(frame)
        if phase != "operations":
            step = 0 if phase == "initial" else self.story.n
            lines = self._reveal_lines(step, self.story.reveal == phase)
            return ("reveal", phase, step), [("$ ", PROMPT)], len(lines)
        done = self.schedule.completed(frame)
        typed = ""
        active = self.schedule.active(frame)
        if active is not None:
            k, p = active
            command = self.story.ops[k]["command"]
            typed = command[: int(round(len(command) * min(1.0, p / self.TYPING_SHARE)))]
        rows = self.layout.rows
        first = max(0, done + 1 - rows)  # scroll so the prompt line stays on screen
        return ("commands", first, done), [("$ ", PROMPT), (typed, TEXT)], done - first

    def _lines(self, key: tuple) -> list[list[Segment]]:
        if key[0] == "reveal":
            _, phase, step = key
            return self._reveal_lines(step, self.story.reveal == phase)
        _, first, done = key
        return [[("$ ", PROMPT), (op["command"], TEXT)] for op in self.story.ops[first:done]]

    def background(self, frame: int) -> Hashable:
        return self.screen(frame)[0]

    def _segments(self, segments: Sequence[Segment], row: int) -> list[Item]:
        lay = self.layout
        items: list[Item] = []
        column = 0
        for text, rgb in segments:
            if text.strip():
                x = lay.left + column * lay.char_w
                items.append((("text", text, lay.font_size, rgb, "lm"), x, lay.line_centre(row)))
            column += len(text)
        return items

    def background_items(self, key: Hashable) -> list[Item]:
        lay = self.layout
        items: list[Item] = [(("title_bar", lay.width, lay.title_h, "terminal",
                               max(8, round(0.6 * lay.title_h))),
                              (lay.width - 1) / 2, (lay.title_h - 1) / 2)]
        lines = self._lines(key)  # type: ignore[arg-type]
        for row, segments in enumerate(lines):
            items.extend(self._segments(segments, row))
        if key[0] == "reveal" and self.story.reveal != key[1]:
            # The output of the hidden end is covered by a fixed-size box (its size must not
            # tell how many entries the tree has).
            height = HIDDEN_ROWS * lay.line_h - 4
            top = lay.line_centre(1) - lay.line_h / 2
            width = 0.6 * lay.width
            items.append((("box", width, height, HIDDEN_FILL, 6.0), lay.left + width / 2,
                          top + height / 2 + 2))
            items.append((("text", "(output hidden)", lay.font_size, MUTED), lay.left + width / 2,
                          top + height / 2 + 2))
        return items

    def items(self, frame: int) -> list[Item]:
        _, prompt, row = self.screen(frame)
        lay = self.layout
        items = self._segments(prompt, row)
        w, h = lay.cursor_size
        items.append((("cursor", w, h, self.cursor_rgb), *self.cursor(frame)))
        return items

    def cursor(self, frame: int) -> tuple[int, int]:
        """Integer centre of the block cursor: the cell after the typed text."""
        _, prompt, row = self.screen(frame)
        column = sum(len(text) for text, _ in prompt)
        x, y = self.layout.cell_centre(row, column)
        return int(round(x)), int(round(y))
