"""`chips`: cups holding chips of different values; chips are added, removed and moved
between cups (container management, SynRL Figure 3 "Containers").

Seen from above, each cup is a tray labelled "Cup A", "Cup B", ... Its chips are visible only
during the visible reveal; while chips come and go the cups are covered by lids. Every
operation is observable: a new chip comes from the "new chips" spot, a removed chip leaves
to the "removed" spot, a moved chip travels from one lid to another, and a chip in hand
always shows its value. The chip in hand (orange, in a white halo) is drawn above the lids it
passes over, so it is in full view for the whole operation; it is the recorded track.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from synrl.render.tabletop import HALO_GAP
from synrl.suite.base import Question, Template, VideoSpec
from synrl.suite.base import NEEDS_ORDER
from synrl.suite._longterm.base import (Ask, LongTermTask, Schedule, Story, choice_question,
                                        list_question, number_question, stable_track,
                                        yes_no_question)
from synrl.suite.registry import register


CHIP_VALUES = (5, 10, 20, 25, 50, 100)
CUP_NAMES = "ABCD"
MAX_CHIPS = 8  # per cup: what a tray shows in two rows of four
CHIP_COLOR = "orange"

State = tuple[tuple[int, ...], ...]  # chips of each cup, ascending


def cup_name(index: int) -> str:
    return f"Cup {CUP_NAMES[index]}"


def chips_text(chips: Sequence[int]) -> str:
    return ", ".join(str(v) for v in sorted(chips)) if chips else "no chips"


def with_chip(cup: tuple[int, ...], value: int) -> tuple[int, ...]:
    return tuple(sorted(cup + (value,)))


def without_chip(cup: tuple[int, ...], value: int) -> tuple[int, ...] | None:
    if value not in cup:
        return None
    chips = list(cup)
    chips.remove(value)
    return tuple(chips)


def apply_op(state: State, op: dict[str, Any]) -> State | None:
    """The cups after `op`, or None if it does not fit (a chip that is not there, a full cup)."""
    cups = list(state)
    kind, value = op["op"], op["value"]
    if kind == "add":
        i = CUP_NAMES.index(op["cup"])
        if i >= len(cups) or len(cups[i]) >= MAX_CHIPS:
            return None
        cups[i] = with_chip(cups[i], value)
    elif kind == "remove":
        i = CUP_NAMES.index(op["cup"])
        if i >= len(cups):
            return None
        left = without_chip(cups[i], value)
        if left is None:
            return None
        cups[i] = left
    elif kind == "move":
        i, j = CUP_NAMES.index(op["from_cup"]), CUP_NAMES.index(op["to_cup"])
        if i == j or max(i, j) >= len(cups) or len(cups[j]) >= MAX_CHIPS:
            return None
        left = without_chip(cups[i], value)
        if left is None:
            return None
        cups[i], cups[j] = left, with_chip(cups[j], value)
    else:
        raise ValueError(f"unknown chip operation {kind!r}")
    return tuple(cups)


def inverse(op: dict[str, Any]) -> dict[str, Any]:
    kind = op["op"]
    if kind == "add":
        return {"op": "remove", "cup": op["cup"], "value": op["value"]}
    if kind == "remove":
        return {"op": "add", "cup": op["cup"], "value": op["value"]}
    return {"op": "move", "from_cup": op["to_cup"], "to_cup": op["from_cup"],
            "value": op["value"]}


def taken_from(op: dict[str, Any]) -> str | None:
    """The cup a chip leaves, if any."""
    return op.get("cup") if op["op"] == "remove" else op.get("from_cup")


@register
class Chips(LongTermTask):
    id = "chips"
    primitive = "state tracking"
    description = ("Chips of different values are added to, removed from and moved between "
                   "covered cups; only the first or the last contents are shown.")
    templates = (
        Template("cup_contents", "multiple_choice", 4),
        Template("cup_contents_open", "list"),
        Template("cup_total", "number"),
        Template("richest_cup", "multiple_choice", 3),
        Template("count_after", "number"),
        Template("ever_empty", "yes_no"),
        Template("times_taken", "multiple_choice", 4, counts=True),
    )
    # State tracking: the operations applied in their order (checked by `synrl probe`,
    # reported by `synrl stats`).
    frame_needs = {
        "cup_contents": NEEDS_ORDER,
        "cup_contents_open": NEEDS_ORDER,
        "cup_total": NEEDS_ORDER,
        "richest_cup": NEEDS_ORDER,
        "count_after": NEEDS_ORDER,
        "ever_empty": NEEDS_ORDER,
        "times_taken": NEEDS_ORDER,
    }
    ops_easy, ops_hard = 3, 12

    def answer_values(self, template: Template, difficulty: int) -> Sequence[Any]:
        name = template.name
        if name == "richest_cup":
            return tuple(CUP_NAMES[: self.cup_count(difficulty)])
        if name == "cup_total":
            # Totals a cup often reaches; the question picks a cup with the planned total.
            return (30, 45, 60, 75, 90, 105, 120, 135, 150)
        if name == "count_after":
            return (1, 2, 3, 4)
        if name == "ever_empty":
            return ("yes", "no")
        if name == "times_taken":
            return (0, 1, 2, 3)
        return ("any",)

    def cup_count(self, difficulty: int) -> int:
        return 3 if difficulty <= 2 else 4

    # -- state model -------------------------------------------------------------------

    def apply(self, state, op):
        return apply_op(state, op)

    def undo(self, state, op):
        return apply_op(state, inverse(op))

    def perturb(self, op, before, rng):
        cups = CUP_NAMES[: len(before)]
        kind = op["op"]
        if kind in ("add", "remove"):
            return [{**op, "cup": c} for c in cups if c != op["cup"]]
        return [{**op, "to_cup": c} for c in cups if c not in (op["to_cup"], op["from_cup"])] + [
            {**op, "from_cup": c} for c in cups if c not in (op["to_cup"], op["from_cup"])]

    def state_record(self, state) -> dict[str, Any]:
        return {"cups": {CUP_NAMES[i]: list(cup) for i, cup in enumerate(state)}}

    def new_story(self, rng, difficulty, n_ops, reveal, plan) -> Story:
        n_cups = self.cup_count(difficulty)
        values = np.asarray(CHIP_VALUES)
        state: State = tuple(tuple(sorted(int(v) for v in rng.choice(values, rng.integers(1, 5))))
                             for _ in range(n_cups))
        states, ops = [state], []
        while len(ops) < n_ops:
            state = states[-1]
            kind = str(rng.choice(["add", "remove", "move", "move"]))
            if kind == "add" or not any(state):
                i = int(rng.integers(n_cups))
                op = {"op": "add", "cup": CUP_NAMES[i], "value": int(rng.choice(values))}
            else:
                full = [i for i in range(n_cups) if state[i]]
                i = int(rng.choice(full))
                value = int(rng.choice(state[i]))
                if kind == "remove":
                    op = {"op": "remove", "cup": CUP_NAMES[i], "value": value}
                else:
                    j = int(rng.choice([k for k in range(n_cups) if k != i]))
                    op = {"op": "move", "from_cup": CUP_NAMES[i], "to_cup": CUP_NAMES[j],
                          "value": value}
            nxt = apply_op(state, op)
            if nxt is not None:
                ops.append(op)
                states.append(nxt)
        return Story(states, ops, reveal)

    # -- questions ---------------------------------------------------------------------

    @staticmethod
    def preface(story: Story) -> str:
        if story.reveal == "initial":
            return ("The video begins by showing the chips in each cup; then the cups are "
                    "covered while chips are added, removed and moved.")
        return ("The cups are covered while chips are added, removed and moved; their chips are "
                "shown only at the end.")

    def ask_cup_contents(self, ask: Ask) -> Question | None:
        """Templates cup_contents, cup_contents_open, cup_total."""
        name, want, pre, step = ask.name, ask.want, ask.pre, ask.step
        when, story, plan, rng = ask.when, ask.story, ask.plan, ask.rng
        cups = [i for i, chips in enumerate(story.states[step]) if len(chips) >= 2
                and (name != "cup_total" or sum(chips) == want)]
        if not cups:
            return None
        cup = int(rng.choice(cups))
        chips = story.states[step][cup]
        query = {"kind": "cup_total" if name == "cup_total" else "cup_contents",
                 "cup": CUP_NAMES[cup], "step": step, "mode": story.mode}
        if name == "cup_total":
            text = (f"{pre} What is the total value of the chips in {cup_name(cup)} "
                    f"{when}?")
            return number_question(text, sum(chips), query)
        text = f"{pre} Which chips does {cup_name(cup)} hold {when}? List the chip values."
        if name == "cup_contents_open":
            return list_question(text, [str(v) for v in chips], False, query,
                                 chips_text(chips))

        def answer(s: Story):
            return s.states[s.hidden_step][cup]
        wrong = [w for w in self.distractor_values(story, answer, rng) if w]
        return choice_question(plan, rng, text, chips_text(chips),
                               [chips_text(w) for w in wrong], query,
                               sorted(str(v) for v in chips))

    ask_cup_contents_open = ask_cup_contents

    ask_cup_total = ask_cup_contents

    def ask_richest_cup(self, ask: Ask) -> Question | None:
        """Template richest_cup."""
        want, pre, step, when = ask.want, ask.pre, ask.step, ask.when
        story, plan, rng = ask.story, ask.plan, ask.rng
        n_cups = len(story.states[0])
        totals = [sum(c) for c in story.states[step]]
        best = int(np.argmax(totals))
        if CUP_NAMES[best] != want or totals.count(totals[best]) > 1:
            return None
        query = {"kind": "richest_cup", "step": step, "mode": story.mode}
        text = f"{pre} Which cup holds the largest total value of chips {when}?"
        others = [cup_name(i) for i in range(n_cups) if i != best]
        return choice_question(plan, rng, text, cup_name(best), others, query, want)

    def ask_count_after(self, ask: Ask) -> Question | None:
        """Template count_after."""
        want, pre, story, rng = ask.want, ask.pre, ask.story, ask.rng
        n_cups = len(story.states[0])
        if story.n < 2:
            return None
        k = int(rng.integers(1, story.n))
        cup = int(rng.integers(n_cups))
        if len(story.states[k][cup]) != want:
            return None
        query = {"kind": "chip_count", "cup": CUP_NAMES[cup], "step": k, "mode": "history"}
        text = f"{pre} How many chips were in {cup_name(cup)} {story.when(k)}?"
        return number_question(text, want, query)

    def ask_ever_empty(self, ask: Ask) -> Question | None:
        """Template ever_empty."""
        want, pre, story, rng = ask.want, ask.pre, ask.story, ask.rng
        n_cups = len(story.states[0])
        cup = int(rng.integers(n_cups))
        if not story.states[story.visible_step][cup]:
            return None  # visibly empty: not a tracking question
        empty = any(not s[cup] for s in story.states)
        if ("yes" if empty else "no") != want:
            return None
        query = {"kind": "ever_empty", "cup": CUP_NAMES[cup], "mode": "history"}
        text = f"{pre} At any moment of the video, was {cup_name(cup)} empty?"
        return yes_no_question(text, want, query)

    def ask_times_taken(self, ask: Ask) -> Question | None:
        """Template times_taken."""
        want, pre, story, plan = ask.want, ask.pre, ask.story, ask.plan
        rng, difficulty = ask.rng, ask.difficulty
        n_cups = len(story.states[0])
        matching = [c for c in rng.permutation(n_cups)
                    if sum(taken_from(op) == CUP_NAMES[c] for op in story.ops) == want]
        if not matching:
            return None
        cup = int(matching[0])
        query = {"kind": "times_taken", "cup": CUP_NAMES[cup], "mode": "counting"}
        text = (f"{pre} How many times was a chip taken out of {cup_name(cup)} (removed, or "
                "moved to another cup)?")
        return self.count_choice(plan, rng, difficulty, text, want, query)

    # -- staging -----------------------------------------------------------------------

    def stage(self, story: Story, schedule: Schedule, video: VideoSpec, difficulty: int,
              rng: np.random.Generator):
        # Drawing lives in draw.py, which imports this module's helpers.
        from synrl.suite.chips.draw import ChipAnimation, ChipLayout

        layout = ChipLayout(video, len(story.states[0]))
        animation = ChipAnimation(story, schedule, layout, video.background)
        n = schedule.num_frames
        x, y = np.zeros(n), np.zeros(n)
        shown = np.zeros(n, dtype=bool)
        last = layout.bank
        for i in range(n):
            hand = animation.hand(i)
            if hand is not None:
                value, pos = hand
                dx, dy = animation.centroid_offset(value)
                last = (pos[0] + dx, pos[1] + dy)
                shown[i] = True
            x[i], y[i] = last
        track = stable_track("chip_in_hand", "circle", CHIP_COLOR, layout.chip_r + HALO_GAP,
                             x, y, shown, "hand")
        return [track], {"layout": layout.to_scene()}, animation
