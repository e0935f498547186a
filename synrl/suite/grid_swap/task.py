"""`grid_swap`: objects on a lettered/numbered grid are shuffled by swaps under cups (grid-based
object tracking with occlusion, SynRL Figure 3 "Grid").

Columns are a, b, c ... from the left and rows 1, 2, 3 ... from the top. The objects are shown
during the visible reveal; for the swaps every cell, empty or not, is covered by an identical
cup, and a swap exchanges two cups (with whatever is under them), one going round the other. The objects
are recorded tracks: they move with their cups and are visible only when uncovered. The two
cups of a swap are drawn above the others with coloured knobs (orange, magenta) while they
move; those knobs are recorded tracks too, so the audit sees every swap in the pixels.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from synrl.render.gridboards import BoardGeometry, cell_name, lifted_knob_radius, parse_cell
from synrl.render.shapes import shape_name
from synrl.suite.base import Question, Template, VideoSpec
from synrl.suite.base import NEEDS_ORDER
from synrl.suite._longterm.base import (Ask, LongTermTask, Schedule, Story, cell_distractors,
                                        choice_question, number_question, stable_track)
from synrl.suite.registry import register


# Colours the pixel audit tells apart from each other and from the cups and the board.
OBJECT_COLORS = ("red", "green", "blue", "yellow", "purple", "cyan")
OBJECT_SHAPES = ("circle", "square", "triangle", "star", "hexagon", "pentagon")
EMPTY = "empty"
# Knob colours of the two cups of a swap while they move (the cup leaving the first cell of
# the swap, then the other): the recorded tracks that make every swap visible to the audit.
LIFTED_COLORS = ("orange", "magenta")
# Share of swaps that put a displaced object back where it started. Purely random swaps
# displace nearly every object; these make every displaced count (1..k) common.
RESTORE_SHARE = 0.3


def grid_side(difficulty: int) -> int:
    return 3 if difficulty <= 1 else 4 if difficulty <= 3 else 5


def object_count(difficulty: int) -> int:
    return 3 if difficulty <= 1 else 4 if difficulty <= 3 else 5


def swap(state: tuple[int, ...], cells: Sequence[int]) -> tuple[int, ...]:
    out = list(state)
    a, b = cells
    out[a], out[b] = out[b], out[a]
    return tuple(out)


def indices(op: dict[str, Any], side: int) -> tuple[int, int]:
    """Flat indices (row * side + column) of a swap's two cells."""
    (ra, ca), (rb, cb) = (parse_cell(c) for c in op["cells"])
    return ra * side + ca, rb * side + cb


def side_of(state: Sequence[int]) -> int:
    return int(round(len(state) ** 0.5))


@register
class GridSwap(LongTermTask):
    id = "grid_swap"
    step_noun = "swap"
    primitive = "state tracking"
    description = ("Objects on a lettered grid are shuffled by swaps of covering cups; only "
                   "the first or the last arrangement is shown.")
    templates = (
        Template("displaced_count", "multiple_choice", 4, counts=True),
        Template("displaced_count_open", "number"),
        Template("object_cell", "multiple_choice", 4),
        Template("cell_content", "multiple_choice", 4),
        Template("cell_after", "multiple_choice", 4),
        Template("times_moved", "number"),
    )
    # State tracking: the operations applied in their order (checked by `synrl probe`,
    # reported by `synrl stats`).
    frame_needs = {
        "displaced_count": NEEDS_ORDER,
        "displaced_count_open": NEEDS_ORDER,
        "object_cell": NEEDS_ORDER,
        "cell_content": NEEDS_ORDER,
        "cell_after": NEEDS_ORDER,
        "times_moved": NEEDS_ORDER,
    }
    ops_easy, ops_hard = 3, 12

    def answer_values(self, template: Template, difficulty: int) -> Sequence[Any]:
        side, k = grid_side(difficulty), object_count(difficulty)
        name = template.name
        if name in ("displaced_count", "displaced_count_open"):
            return tuple(range(0, k + 1))
        if name in ("object_cell", "cell_after"):
            return tuple(cell_name(r, c) for r in range(side) for c in range(side))
        if name == "cell_content":
            return tuple(f"obj{i}" for i in range(k)) + (EMPTY,)
        if name == "times_moved":
            return (0, 1, 2) if difficulty <= 2 else (0, 1, 2, 3)
        return ("any",)

    # -- state model: state[cell index] = object index or -1 ------------------------------

    def apply(self, state, op):
        return swap(state, indices(op, side_of(state)))

    def undo(self, state, op):
        return swap(state, indices(op, side_of(state)))

    def perturb(self, op, before, rng):
        side = side_of(before)
        a, b = indices(op, side)
        out = []
        for fixed, moved in ((a, b), (b, a)):
            r, c = divmod(moved, side)
            for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                if 0 <= r + dr < side and 0 <= c + dc < side:
                    other = (r + dr) * side + c + dc
                    if other != fixed:
                        out.append(self._swap_op(fixed, other, side))
        return [out[i] for i in rng.permutation(len(out))[:3]]

    @staticmethod
    def _swap_op(a: int, b: int, side: int) -> dict[str, Any]:
        return {"op": "swap", "cells": [cell_name(*divmod(a, side)), cell_name(*divmod(b, side))]}

    def state_record(self, state) -> dict[str, Any]:
        side = int(round(len(state) ** 0.5))
        return {"cells": {cell_name(*divmod(i, side)): f"obj{o}" for i, o in enumerate(state)
                          if o >= 0}}

    def new_story(self, rng, difficulty, n_ops, reveal, plan) -> Story:
        side, k = grid_side(difficulty), object_count(difficulty)
        cells = rng.permutation(side * side)
        state = [-1] * (side * side)
        for obj, cell in enumerate(cells[:k]):
            state[int(cell)] = obj
        states, ops = [tuple(state)], []
        start = states[0]
        previous: set[int] = set()
        for _ in range(n_ops):
            now = states[-1]
            # Swapping the previous pair again would undo it: no question asks for that, and
            # it shows two swaps that change nothing.
            displaced = [o for o in range(k) if now.index(o) != start.index(o)
                         and {now.index(o), start.index(o)} != previous]
            if displaced and rng.random() < RESTORE_SHARE:
                o = int(rng.choice(displaced))
                a, b = now.index(o), start.index(o)
            else:
                # At least one of the two cells holds an object: swapping two empty cups is
                # a move nobody could track.
                occupied = [i for i, o in enumerate(now) if o >= 0]
                a = int(rng.choice(occupied))
                b = int(rng.choice([i for i in range(side * side)
                                    if i != a and {a, i} != previous]))
            previous = {a, b}
            op = self._swap_op(a, b, side)
            ops.append(op)
            states.append(swap(states[-1], (a, b)))
        colors = [OBJECT_COLORS[i] for i in rng.permutation(len(OBJECT_COLORS))[:k]]
        shapes = [OBJECT_SHAPES[int(i)] for i in rng.integers(0, len(OBJECT_SHAPES), size=k)]
        return Story(states, ops, reveal,
                     {"side": side, "objects": [{"id": f"obj{i}", "color": colors[i],
                                                 "shape": shapes[i]} for i in range(k)]})

    # -- questions ---------------------------------------------------------------------

    @staticmethod
    def name_of(story: Story, obj: int) -> str:
        o = story.extra["objects"][obj]
        return f"{o['color']} {shape_name(o['shape'])}"

    @staticmethod
    def preface(story: Story) -> str:
        shown = "start" if story.reveal == "initial" else "end"
        return (f"Objects sit on a grid with columns a, b, c... from the left and rows 1, 2, "
                f"3... from the top. They are shown only at the {shown}; in between, every cell "
                "is covered by a cup and pairs of cups are swapped.")

    def ask_displaced_count(self, ask: Ask) -> Question | None:
        """Templates displaced_count, displaced_count_open."""
        name, want, pre, story = ask.name, ask.want, ask.pre, ask.story
        plan, rng, difficulty = ask.plan, ask.rng, ask.difficulty
        k = len(story.extra["objects"])
        first, last = story.states[0], story.states[-1]
        moved = sum(first.index(o) != last.index(o) for o in range(k))
        if moved != want:
            return None
        query = {"kind": "displaced_count", "mode": story.mode}
        text = (f"{pre} Compared to the start, how many objects are in a different cell at "
                "the end?")
        if name == "displaced_count_open":
            return number_question(text, want, query)

        return self.count_choice(plan, rng, difficulty, text, want, query)

    ask_displaced_count_open = ask_displaced_count

    def ask_object_cell(self, ask: Ask) -> Question | None:
        """Templates object_cell, cell_after."""
        name, want, pre, step = ask.name, ask.want, ask.pre, ask.step
        when, story, plan, rng = ask.when, ask.story, ask.plan, ask.rng
        side = story.extra["side"]
        k = len(story.extra["objects"])

        def where(state: Sequence[int], obj: int) -> str | None:
            return cell_name(*divmod(state.index(obj), side)) if obj in state else None
        if name == "object_cell":
            at, mode, moment = step, story.mode, when
        else:
            if story.n < 2:
                return None
            at = int(rng.integers(1, story.n))
            mode, moment = "history", story.when(at, "swap")
        objs = [o for o in range(k) if where(story.states[at], o) == want]
        if not objs:
            return None
        obj = objs[0]
        query = {"kind": "object_cell", "object": f"obj{obj}", "step": at, "mode": mode}
        verb = "was" if at < story.n else "is"
        text = f"{pre} Which cell {verb} the {self.name_of(story, obj)} in {moment}?"

        # Alternative histories put the object in a cell next to the truth (one missed swap),
        # and so would its neighbours: centred on the truth, such a set makes it the option
        # most similar to the others (+6.6 points over 1000 records). The set is centred on
        # a pivot cell instead, the truth one time in four (as in sliding_puzzle).
        visited = [c for c in (where(s, obj) for s in story.states[:at + 1]) if c]
        wrong = cell_distractors(want, side, side, visited, plan.template.n_options, rng)
        return choice_question(plan, rng, text, want, wrong, query, want)

    ask_cell_after = ask_object_cell

    def ask_cell_content(self, ask: Ask) -> Question | None:
        """Template cell_content."""
        want, pre, step, when = ask.want, ask.pre, ask.step, ask.when
        story, plan, rng = ask.story, ask.plan, ask.rng
        side = story.extra["side"]
        k = len(story.extra["objects"])
        hidden = story.states[step]
        if want == EMPTY:
            cells = [i for i, o in enumerate(hidden) if o < 0]
        else:
            cells = [hidden.index(int(want[3:]))]
        cell = int(rng.choice(cells))
        label = cell_name(*divmod(cell, side))
        query = {"kind": "cell_content", "cell": label, "step": step, "mode": story.mode}
        verb = "was" if step == 0 else "is"
        text = f"{pre} What {verb} in cell {label} {when}?"

        def describe(o: int) -> str:
            return f"the {self.name_of(story, o)}" if o >= 0 else "nothing (it is empty)"

        def answer(s: Story):
            return s.states[s.hidden_step][cell]
        wrong = [describe(o) for o in self.distractor_values(story, answer, rng)]
        wrong += [describe(o) for o in [-1] + [int(i) for i in rng.permutation(k)]]
        return choice_question(plan, rng, text, describe(hidden[cell]), wrong, query, want)

    def ask_times_moved(self, ask: Ask) -> Question | None:
        """Template times_moved."""
        want, pre, story, rng = ask.want, ask.pre, ask.story, ask.rng
        side = story.extra["side"]
        k = len(story.extra["objects"])
        counts = [sum(o in (story.states[j][a], story.states[j][b])
                      for j, op in enumerate(story.ops) for a, b in [indices(op, side)])
                  for o in range(k)]
        objs = [o for o in range(k) if counts[o] == want]
        if not objs:
            return None
        obj = int(rng.choice(objs))
        query = {"kind": "times_moved", "object": f"obj{obj}", "mode": "counting"}
        text = f"{pre} How many swaps moved the {self.name_of(story, obj)}?"
        return number_question(text, want, query)

    # -- staging -----------------------------------------------------------------------

    def stage(self, story: Story, schedule: Schedule, video: VideoSpec, difficulty: int,
              rng: np.random.Generator):
        # Drawing lives in draw.py, which imports this module's helpers.
        from synrl.suite.grid_swap.draw import SwapAnimation

        side = story.extra["side"]
        geometry = BoardGeometry.centred(video.width, video.height, side, side)
        animation = SwapAnimation(story, schedule, geometry)
        n = schedule.num_frames
        k = len(story.extra["objects"])
        xs, ys = np.zeros((k, n)), np.zeros((k, n))
        shown = np.zeros(n, dtype=bool)
        for i in range(n):
            positions, uncovered = animation.object_positions(i)
            for o, (x, y) in enumerate(positions):
                xs[o, i], ys[o, i] = x, y
            shown[i] = uncovered
        tracks = [stable_track(o["id"], o["shape"], o["color"], animation.radius, xs[j], ys[j],
                               shown, "object")
                  for j, o in enumerate(story.extra["objects"])]
        knob = lifted_knob_radius(geometry.cell)
        for which, color in enumerate(LIFTED_COLORS):
            px, py = np.zeros(n), np.zeros(n)
            moving = np.zeros(n, dtype=bool)
            last = animation.centre(0)
            for i in range(n):
                pos = animation.lifted(i)[which]
                if pos is not None:
                    last, moving[i] = pos, True
                px[i], py[i] = last
            tracks.append(stable_track(f"cup_{which + 1}", "circle", color, knob, px, py,
                                       moving, "hand"))
        # The audit looks for the objects on the board only (not at its grey labels).
        scene = {"arena": geometry.arena(), "board": geometry.to_scene(),
                 "objects": story.extra["objects"]}
        return tracks, scene, animation
