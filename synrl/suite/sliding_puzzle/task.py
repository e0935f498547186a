"""`sliding_puzzle`: numbered tiles slide into the empty slot (retrodictive identity
inference, SynRL Figure 3 / section 2.1.2).

Columns are a, b, c ... from the left and rows 1, 2, 3 ... from the top. The tiles show their
numbers only during the visible reveal (by default alternately the start or the end); while
they slide they are blank, so which tile went where must be inferred from the moves, forwards
from the start or backwards from the end ("where was tile 5 at the start?"). The empty slot
shows the board; the tile sliding into it is drawn solid cyan and is the recorded track.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from synrl.render.gridboards import BoardGeometry, cell_name, parse_cell
from synrl.suite.base import Question, Template, VideoSpec, lerp
from synrl.suite.base import NEEDS_ORDER
from synrl.suite._longterm.base import (Ask, LongTermTask, Schedule, Story, cell_distractors,
                                        choice_question, list_question, number_question,
                                        ordinal, stable_track)
from synrl.suite.registry import register


SLIDING_COLOR = "cyan"
BLANK = 0


def puzzle_side(difficulty: int) -> int:
    return 3 if difficulty <= 3 else 4


def neighbours(index: int, side: int) -> list[int]:
    r, c = divmod(index, side)
    return [(r + dr) * side + c + dc for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))
            if 0 <= r + dr < side and 0 <= c + dc < side]


def slide(state: tuple[int, ...], op: dict[str, Any]) -> tuple[int, ...] | None:
    """The board after the tile at `from` slides into the empty slot at `to`."""
    side = int(round(len(state) ** 0.5))
    (rf, cf), (rt, ct) = parse_cell(op["from"]), parse_cell(op["to"])
    a, b = rf * side + cf, rt * side + ct
    if not (0 <= rf < side and 0 <= cf < side and 0 <= rt < side and 0 <= ct < side):
        return None
    if state[b] != BLANK or state[a] == BLANK or b not in neighbours(a, side):
        return None
    out = list(state)
    out[a], out[b] = BLANK, state[a]
    return tuple(out)


def cell_of(state: Sequence[int], tile: int, side: int) -> str:
    """The cell name of `tile` in a flattened `side` x `side` board."""
    return cell_name(*divmod(state.index(tile), side))


@register
class SlidingPuzzle(LongTermTask):
    id = "sliding_puzzle"
    step_noun = "move"
    primitive = "retrodiction"
    description = ("Numbered tiles slide into the empty slot; the numbers are shown only at "
                   "the start or at the end, so tiles must be traced through the moves.")
    templates = (
        Template("tile_cell", "multiple_choice", 4),
        Template("tile_at", "number"),
        Template("moved_tile", "multiple_choice", 4),
        Template("times_moved", "number"),
        Template("hidden_row", "list"),
    )
    # State tracking: the operations applied in their order (checked by `synrl probe`,
    # reported by `synrl stats`).
    frame_needs = {
        "tile_cell": NEEDS_ORDER,
        "tile_at": NEEDS_ORDER,
        "moved_tile": NEEDS_ORDER,
        "times_moved": NEEDS_ORDER,
        "hidden_row": NEEDS_ORDER,
    }
    ops_easy, ops_hard = 3, 12

    def op_seconds(self, difficulty: int) -> float:
        return lerp(difficulty, 0.8, 0.6)

    def answer_values(self, template: Template, difficulty: int) -> Sequence[Any]:
        side = puzzle_side(difficulty)
        name = template.name
        if name == "tile_cell":
            return tuple(cell_name(r, c) for r in range(side) for c in range(side))
        if name in ("tile_at", "moved_tile"):
            return tuple(range(1, side * side))
        if name == "times_moved":
            # A tile moves again only after the slot has gone round it: rare in short videos.
            return (0, 1) if difficulty <= 1 else (0, 1, 2) if difficulty <= 3 else (0, 1, 2, 3)
        return ("any",)

    # -- state model: state[cell index] = tile number, 0 for the empty slot ---------------

    def apply(self, state, op):
        return slide(state, op)

    def undo(self, state, op):
        return slide(state, {"from": op["to"], "to": op["from"]})

    def replay(self, story: Story, ops: Sequence[dict[str, Any]]) -> list[Any] | None:
        # A viewer remembers a slide as the direction the empty slot moved ("the slot went
        # up"), so alternative histories replay directions, not fixed cells.
        side = story.extra["side"]
        steps = []
        for op in ops:
            (rf, cf), (rt, ct) = parse_cell(op["from"]), parse_cell(op["to"])
            steps.append((rf - rt, cf - ct))
        forwards = story.reveal == "initial"
        states = [story.states[0] if forwards else story.states[-1]]
        for dr, dc in (steps if forwards else [(-r, -c) for r, c in reversed(steps)]):
            now = states[-1]
            r, c = divmod(now.index(BLANK), side)
            if not (0 <= r + dr < side and 0 <= c + dc < side):
                return None
            nxt = list(now)
            target = (r + dr) * side + c + dc
            nxt[r * side + c], nxt[target] = nxt[target], BLANK
            states.append(tuple(nxt))
        return states if forwards else states[::-1]

    def perturb(self, op, before, rng):
        # The tile that slid came from another side of the empty slot.
        side = int(round(len(before) ** 0.5))
        rt, ct = parse_cell(op["to"])
        slot = rt * side + ct
        return [{**op, "from": cell_name(*divmod(n, side)), "tile": before[n]}
                for n in neighbours(slot, side) if cell_name(*divmod(n, side)) != op["from"]]

    def state_record(self, state) -> dict[str, Any]:
        side = int(round(len(state) ** 0.5))
        return {"rows": [list(state[r * side : (r + 1) * side]) for r in range(side)]}

    def new_story(self, rng, difficulty, n_ops, reveal, plan) -> Story:
        side = puzzle_side(difficulty)
        state = tuple(int(v) for v in rng.permutation(side * side))
        states, ops = [state], []
        previous = -1
        for _ in range(n_ops):
            slot = states[-1].index(BLANK)
            # Never slide straight back: that move would undo the last one.
            options = [n for n in neighbours(slot, side) if n != previous]
            tile_cell = int(rng.choice(options))
            op = {"op": "slide", "tile": states[-1][tile_cell],
                  "from": cell_name(*divmod(tile_cell, side)),
                  "to": cell_name(*divmod(slot, side))}
            states.append(slide(states[-1], op))
            ops.append(op)
            previous = slot
        return Story(states, ops, reveal, {"side": side})

    # -- questions ---------------------------------------------------------------------

    @staticmethod
    def preface(story: Story) -> str:
        shown = "start" if story.reveal == "initial" else "end"
        return ("Numbered tiles slide one at a time into the empty slot of a board with "
                "columns a, b, c... from the left and rows 1, 2, 3... from the top. The numbers "
                f"are shown only at the {shown}; while the tiles move they are blank.")

    def ask_tile_cell(self, ask: Ask) -> Question | None:
        """Template tile_cell."""
        want, pre, step, when = ask.want, ask.pre, ask.step, ask.when
        story, plan, rng = ask.story, ask.plan, ask.rng
        side = story.extra["side"]
        hidden = story.states[step]
        r, c = parse_cell(want)
        tile = hidden[r * side + c]
        # A tile that never slid is where the visible reveal shows it: asking about it
        # would need no tracking at all.
        if tile == BLANK or all(op["tile"] != tile for op in story.ops):
            return None
        query = {"kind": "tile_cell", "tile": tile, "step": step, "mode": story.mode}
        verb = "was" if step == 0 else "is"
        text = f"{pre} Which cell {verb} tile {tile} in {when}?"

        def answer(s: Story):
            return cell_of(s.states[s.hidden_step], tile, side)
        history = [v for _, v in self._alternative_answers(story, answer, rng, True)]
        history += [cell_of(s, tile, side) for s in story.states]
        wrong = cell_distractors(want, side, side, history, plan.template.n_options, rng)
        return choice_question(plan, rng, text, want, wrong, query, want)

    def ask_tile_at(self, ask: Ask) -> Question | None:
        """Template tile_at."""
        want, pre, step, when, story = ask.want, ask.pre, ask.step, ask.when, ask.story
        hidden = story.states[step]
        side = story.extra["side"]
        cell = cell_of(hidden, want, side)
        query = {"kind": "tile_at", "cell": cell, "step": step, "mode": story.mode}
        verb = "was" if step == 0 else "is"
        text = f"{pre} Which tile {verb} in cell {cell} {when}?"
        return number_question(text, want, query)

    def ask_moved_tile(self, ask: Ask) -> Question | None:
        """Template moved_tile."""
        want, pre, story = ask.want, ask.pre, ask.story
        plan, rng = ask.plan, ask.rng
        side = story.extra["side"]
        steps = [k for k, op in enumerate(story.ops) if op["tile"] == want]
        if not steps:
            return None
        k = int(rng.choice(steps))
        query = {"kind": "moved_tile", "step": k + 1, "mode": "history"}
        text = f"{pre} Which tile slid in the {ordinal(k + 1)} move?"
        slot = story.states[k].index(BLANK)
        beside = [story.states[k][n] for n in neighbours(slot, side)]
        others = [o["tile"] for o in story.ops]
        return choice_question(plan, rng, text, str(want),
                               [str(t) for t in beside + others + list(range(1, side * side))
                                if t != BLANK], query, want)

    def ask_times_moved(self, ask: Ask) -> Question | None:
        """Template times_moved."""
        want, pre, story, rng = ask.want, ask.pre, ask.story, ask.rng
        side = story.extra["side"]
        counts = {t: sum(op["tile"] == t for op in story.ops) for t in range(1, side * side)}
        tiles = sorted(t for t, n in counts.items() if n == want)
        if not tiles:
            return None
        tile = int(rng.choice(tiles))
        query = {"kind": "times_moved", "tile": tile, "mode": "counting"}
        text = f"{pre} How many times did tile {tile} slide?"
        return number_question(text, want, query)

    def ask_hidden_row(self, ask: Ask) -> Question | None:
        """Template hidden_row."""
        pre, step, when, story, rng = ask.pre, ask.step, ask.when, ask.story, ask.rng
        side = story.extra["side"]
        hidden = story.states[step]
        row = int(rng.integers(side))
        tiles = [str(t) for t in hidden[row * side : (row + 1) * side]]
        query = {"kind": "row", "row": row + 1, "step": step, "mode": story.mode}
        verb = "were" if step == 0 else "are"
        text = (f"{pre} Which tiles {verb} in row {row + 1} {when}, from left to right? "
                "Write 0 for the empty slot.")
        return list_question(text, tiles, True, query)

    # -- staging -----------------------------------------------------------------------

    def stage(self, story: Story, schedule: Schedule, video: VideoSpec, difficulty: int,
              rng: np.random.Generator):
        # Drawing lives in draw.py, which imports this module's helpers.
        from synrl.suite.sliding_puzzle.draw import PuzzleAnimation

        side = story.extra["side"]
        geometry = BoardGeometry.centred(video.width, video.height, side, side, fill=0.78)
        animation = PuzzleAnimation(story, schedule, geometry)
        n = schedule.num_frames
        x, y = np.zeros(n), np.zeros(n)
        shown = np.zeros(n, dtype=bool)
        last = animation.centre(story.states[0].index(BLANK))
        for i in range(n):
            sliding = animation.slide(i)
            if sliding is not None:
                last = sliding[2]
                shown[i] = True
            x[i], y[i] = last
        track = stable_track("sliding_tile", "square", SLIDING_COLOR, 0.7 * geometry.cell, x, y,
                             shown, "hand")
        scene = {"arena": geometry.arena(), "board": geometry.to_scene(),
                 "font_size": animation.font_size}
        return [track], scene, animation
