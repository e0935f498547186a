"""`cards`: a pile of playing cards changed by draws, inserts, moves and swaps (symbol
manipulation, SynRL Figure 3 "Symbol").

The pile is fanned in a row, top card on the left. The cards are face up only during the
visible reveal; while the pile changes they are face down, and a face-down card in hand
shows a coloured back (yellow; the second card of a swap cyan). A drawn card turns face up as
it leaves the pile and a new card is shown face up (framed in orange) on its way in, so every
operation is fully observable while the pile itself is not. The backs and the orange frame
are the recorded tracks.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from synrl.render.tabletop import HALO_GAP
from synrl.suite.base import Question, Template, VideoSpec, lerp
from synrl.suite.base import NEEDS_ORDER
from synrl.suite._longterm.base import (Ask, LongTermTask, Schedule, Story, choice_question,
                                        list_question, number_question, stable_track,
                                        yes_no_question)
from synrl.suite.registry import register


RANKS = ("A", "2", "3", "4", "5", "6", "7", "8", "9", "10", "J", "Q", "K")
SUITS = ("S", "H", "D", "C")
DECK = tuple(rank + suit for suit in SUITS for rank in RANKS)
RANK_NAMES = {"A": "Ace", "J": "Jack", "Q": "Queen", "K": "King"}
SUIT_NAMES = {"S": "Spades", "H": "Hearts", "D": "Diamonds", "C": "Clubs"}

MIN_PILE = 3
MAX_PILE = 9
HAND_COLOR = "yellow"
SECOND_HAND_COLOR = "cyan"
# Frame of a face-up card in hand (a drawn card on its way out, a new card on its way in).
FACE_UP_HAND_COLOR = "orange"


def card_name(code: str) -> str:
    """"10D" -> "10 of Diamonds"."""
    rank, suit = code[:-1], code[-1]
    return f"{RANK_NAMES.get(rank, rank)} of {SUIT_NAMES[suit]}"


def pile_text(pile: Sequence[str]) -> str:
    return ", ".join(card_name(c) for c in pile)


# ------------------------------------------------------------------------ state model

def apply_op(pile: tuple[str, ...], op: dict[str, Any]) -> tuple[str, ...] | None:
    """The pile after `op` (positions 1-based from the top), or None if it does not fit."""
    cards = list(pile)
    kind = op["op"]
    if kind == "draw":
        if not cards:
            return None
        cards.pop(0 if op["end"] == "top" else -1)
    elif kind == "insert":
        p = op["position"]
        if op["card"] in cards or not 1 <= p <= len(cards) + 1:
            return None
        cards.insert(p - 1, op["card"])
    elif kind == "move":
        i, j = op["from_position"], op["to_position"]
        if not (1 <= i <= len(cards) and 1 <= j <= len(cards)) or i == j:
            return None
        cards.insert(j - 1, cards.pop(i - 1))
    elif kind == "swap":
        i, j = op["positions"]
        if not (1 <= i <= len(cards) and 1 <= j <= len(cards)) or i == j:
            return None
        cards[i - 1], cards[j - 1] = cards[j - 1], cards[i - 1]
    else:
        raise ValueError(f"unknown card operation {kind!r}")
    return tuple(cards)


def undo_op(pile: tuple[str, ...], op: dict[str, Any]) -> tuple[str, ...] | None:
    """The pile before `op` given the pile after it, or None."""
    cards = list(pile)
    kind = op["op"]
    if kind == "draw":
        if op["card"] in cards:
            return None
        cards.insert(0 if op["end"] == "top" else len(cards), op["card"])
        return tuple(cards)
    if kind == "insert":
        p = op["position"]
        if not 1 <= p <= len(cards) or cards[p - 1] != op["card"]:
            return None
        cards.pop(p - 1)
        return tuple(cards)
    if kind == "move":
        return apply_op(pile, {"op": "move", "from_position": op["to_position"],
                               "to_position": op["from_position"]})
    return apply_op(pile, op)


def moved_cards(before: tuple[str, ...], after: tuple[str, ...],
                op: dict[str, Any]) -> list[str]:
    """Cards an operation picks up, in hand order (the swap's first card first)."""
    kind = op["op"]
    if kind == "draw":
        return [before[0] if op["end"] == "top" else before[-1]]
    if kind == "insert":
        return [op["card"]]
    if kind == "move":
        return [before[op["from_position"] - 1]]
    i, j = op["positions"]
    return [before[i - 1], before[j - 1]]


@register
class Cards(LongTermTask):
    id = "cards"
    primitive = "state tracking"
    description = ("A pile of playing cards is drawn from, added to, reordered and swapped; only "
                   "the first or the last pile is shown face up.")
    templates = (
        Template("pile", "multiple_choice", 4),
        Template("pile_open", "list"),
        Template("card_position", "multiple_choice", 4, counts=True),
        Template("position_after", "number"),
        Template("ever_top", "yes_no"),
        Template("times_handled", "multiple_choice", 4, counts=True),
    )
    # State tracking: the operations applied in their order (checked by `synrl probe`,
    # reported by `synrl stats`).
    frame_needs = {
        "pile": NEEDS_ORDER,
        "pile_open": NEEDS_ORDER,
        "card_position": NEEDS_ORDER,
        "position_after": NEEDS_ORDER,
        "ever_top": NEEDS_ORDER,
        "times_handled": NEEDS_ORDER,
    }
    ops_easy, ops_hard = 3, 12

    def answer_values(self, template: Template, difficulty: int) -> Sequence[Any]:
        name = template.name
        if name in ("card_position", "position_after"):
            return (1, 2, 3, 4)
        if name == "ever_top":
            return ("yes", "no")
        if name == "times_handled":
            return (0, 1, 2, 3)
        return ("any",)

    # -- state model -------------------------------------------------------------------

    def apply(self, state, op):
        return apply_op(state, op)

    def undo(self, state, op):
        return undo_op(state, op)

    def perturb(self, op, before, rng):
        kind = op["op"]
        if kind == "draw":
            return [{**op, "end": "bottom" if op["end"] == "top" else "top"}]
        if kind == "insert":
            return [{**op, "position": op["position"] + d} for d in (-1, 1)
                    if op["position"] + d >= 1]
        if kind == "move":
            return [{**op, "to_position": op["to_position"] + d} for d in (-1, 1)
                    if op["to_position"] + d >= 1] + [
                {**op, "from_position": op["from_position"] + d} for d in (-1, 1)
                if op["from_position"] + d >= 1]
        i, j = op["positions"]
        return [{**op, "positions": [i, j + d]} for d in (-1, 1) if j + d >= 1 and j + d != i] + [
            {**op, "positions": [i + d, j]} for d in (-1, 1) if i + d >= 1 and i + d != j]

    def state_record(self, state) -> dict[str, Any]:
        return {"pile": list(state)}

    def new_story(self, rng, difficulty, n_ops, reveal, plan) -> Story:
        size = int(rng.integers(round(lerp(difficulty, 4, 6)), round(lerp(difficulty, 5, 8)) + 1))
        deck = [DECK[i] for i in rng.permutation(len(DECK))]
        pile = tuple(deck[:size])
        unused = deck[size:]
        states, ops = [pile], []
        while len(ops) < n_ops:
            pile = states[-1]
            kinds = ["move", "swap"]
            if len(pile) < MAX_PILE:
                kinds.append("insert")
            if len(pile) > MIN_PILE:
                kinds.append("draw")
            kind = str(rng.choice(kinds))
            n = len(pile)
            if kind == "draw":
                end = "top" if rng.random() < 0.5 else "bottom"
                op = {"op": "draw", "end": end, "position": 1 if end == "top" else n,
                      "card": pile[0] if end == "top" else pile[-1]}
            elif kind == "insert":
                op = {"op": "insert", "card": unused.pop(), "position": int(rng.integers(1, n + 2))}
            elif kind == "move":
                i, j = (int(v) + 1 for v in rng.choice(n, size=2, replace=False))
                op = {"op": "move", "from_position": i, "to_position": j}
            else:
                i, j = sorted(int(v) + 1 for v in rng.choice(n, size=2, replace=False))
                op = {"op": "swap", "positions": [i, j]}
            states.append(apply_op(pile, op))
            ops.append(op)
        return Story(states, ops, reveal)

    # -- questions ---------------------------------------------------------------------

    @staticmethod
    def preface(story: Story) -> str:
        if story.reveal == "initial":
            return ("The cards are shown face up at the start; then they are turned face down "
                    "and the pile is changed.")
        return ("The pile is changed while the cards are face down; the cards are shown face "
                "up only at the end.")

    def ask_pile(self, ask: Ask) -> Question | None:
        """Templates pile, pile_open."""
        name, pre, step, when = ask.name, ask.pre, ask.step, ask.when
        story, plan, rng = ask.story, ask.plan, ask.rng
        pile = story.states[step]
        query = {"kind": "pile", "step": step, "mode": story.mode}
        text = f"{pre} Which cards are in the pile {when}, listed from top to bottom?"
        if name == "pile_open":
            return list_question(text, list(pile), True, query, pile_text(pile))

        def answer(s: Story):
            return s.states[s.hidden_step]
        # The number of face-down cards is always visible, so piles of the true size
        # come first; other sizes only fill up.
        wrong = sorted(self.distractor_values(story, answer, rng),
                       key=lambda w: len(w) != len(pile))
        return choice_question(plan, rng, text, pile_text(pile),
                               [pile_text(w) for w in wrong], query, list(pile))

    ask_pile_open = ask_pile

    def ask_card_position(self, ask: Ask) -> Question | None:
        """Template card_position."""
        want, pre, step, when = ask.want, ask.pre, ask.step, ask.when
        story, plan, rng, difficulty = ask.story, ask.plan, ask.rng, ask.difficulty
        hidden, shown = story.states[step], story.states[story.visible_step]
        if len(hidden) < 4 or len(hidden) < want:
            return None
        card = hidden[want - 1]
        if card not in shown:
            return None
        query = {"kind": "position", "card": card, "step": step, "mode": story.mode}
        text = (f"{pre} Counting from the top of the pile (the top card is 1), where is the "
                f"{card_name(card)} {when}?")

        return self.count_choice(plan, rng, difficulty, text, want, query)

    def ask_position_after(self, ask: Ask) -> Question | None:
        """Template position_after."""
        want, pre, story, rng = ask.want, ask.pre, ask.story, ask.rng
        if story.n < 2:
            return None
        k = int(rng.integers(1, story.n))
        pile = story.states[k]
        if len(pile) < want:
            return None
        card = pile[want - 1]
        query = {"kind": "position", "card": card, "step": k, "mode": "history"}
        text = (f"{pre} Counting from the top of the pile (the top card is 1), where was the "
                f"{card_name(card)} {story.when(k)}?")
        return number_question(text, want, query)

    def ask_ever_top(self, ask: Ask) -> Question | None:
        """Template ever_top."""
        want, pre, story, rng = ask.want, ask.pre, ask.story, ask.rng
        shown = story.states[story.visible_step]
        candidates = [c for c in shown[1:]]
        if not candidates:
            return None
        card = str(rng.choice(candidates))
        was_top = any(s and s[0] == card for s in story.states)
        if ("yes" if was_top else "no") != want:
            return None
        query = {"kind": "ever_top", "card": card, "mode": "history"}
        text = (f"{pre} At any moment of the video, was the {card_name(card)} the top card "
                "of the pile?")
        return yes_no_question(text, want, query)

    def ask_times_handled(self, ask: Ask) -> Question | None:
        """Template times_handled."""
        want, pre, story, plan = ask.want, ask.pre, ask.story, ask.plan
        rng, difficulty = ask.rng, ask.difficulty
        seen = sorted({c for s in story.states for c in s})
        rng.shuffle(seen)
        counts = {c: handled_count(story, c) for c in seen}
        matching = [c for c in seen if counts[c] == want]
        if not matching:
            return None
        card = matching[0]
        query = {"kind": "times_handled", "card": card, "mode": "counting"}
        text = (f"{pre} How many operations picked up the {card_name(card)} (to draw it, "
                "insert it, move it or swap it)?")
        return self.count_choice(plan, rng, difficulty, text, want, query)

    # -- staging -----------------------------------------------------------------------

    def stage(self, story: Story, schedule: Schedule, video: VideoSpec, difficulty: int,
              rng: np.random.Generator):
        # Drawing lives in draw.py, which imports this module's helpers.
        from synrl.suite.cards.draw import FACE_UP_FRAME, CardAnimation, CardLayout

        layout = CardLayout.for_video(video, max(len(s) for s in story.states))
        animation = CardAnimation(story, schedule, layout, video.background)
        n = schedule.num_frames
        hands = [np.zeros((n, 2)) for _ in range(3)]
        shown = [np.zeros(n, dtype=bool) for _ in range(3)]
        last = [layout.new_spot, layout.drawn_spot, layout.new_spot]
        for i in range(n):
            for h, pos in enumerate(animation.hand_positions(i)):
                if pos is not None:
                    last[h] = pos
                    shown[h][i] = True
                hands[h][i] = last[h]
        radius = (0.5 * float(np.hypot(layout.card_w, layout.card_h)) + 2 * HALO_GAP
                  + animation.highlight_width)
        tracks = [
            stable_track("card_in_hand", "rectangle", HAND_COLOR, radius, hands[0][:, 0],
                         hands[0][:, 1], shown[0], "hand"),
            stable_track("second_card_in_hand", "rectangle", SECOND_HAND_COLOR, radius,
                         hands[1][:, 0], hands[1][:, 1], shown[1], "hand"),
            stable_track("face_up_card_in_hand", "rectangle", FACE_UP_HAND_COLOR,
                         radius + (FACE_UP_FRAME - 1) * animation.highlight_width,
                         hands[2][:, 0], hands[2][:, 1], shown[2], "hand"),
        ]
        return tracks, {"layout": layout.to_scene()}, animation


def handled_count(story: Story, card: str) -> int:
    """Operations that pick `card` up."""
    return sum(card in moved_cards(story.states[k], story.states[k + 1], op)
               for k, op in enumerate(story.ops))
