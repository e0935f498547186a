"""`cards`: a pile of playing cards changed by draws, inserts, moves and swaps (symbol
manipulation, SynRL Figure 3 "Symbol").

The pile is fanned in a row, top card on the left. The cards are face up only during the
visible reveal; while the pile changes they are face down, and a face-down card in hand
shows a coloured back (yellow; the second card of a swap cyan): those backs are the recorded
tracks. A drawn card turns face up as it leaves the pile and a new card is shown face up
(framed in yellow) on its way in, so every operation is fully observable while the pile
itself is not.
"""

from __future__ import annotations

from typing import Any, Hashable, Sequence

import numpy as np

from synrl.render.boards import Item, arc_point, ease, ink_for, odd
from synrl.render.shapes import PALETTE
from synrl.render.tabletop import HALO_GAP
from synrl.suite.base import Plan, Question, Template, VideoSpec, lerp
from synrl.suite._longterm.base import (Ask, LongTermTask, Schedule, Story, choice_question,
                                  frame_size_scale, list_question,
                                  number_question, stable_track, yes_no_question)
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
        Template("card_position", "multiple_choice", 4),
        Template("position_after", "number"),
        Template("ever_top", "yes_no"),
        Template("times_handled", "multiple_choice", 4),
    )
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
        layout = CardLayout.for_video(video, max(len(s) for s in story.states))
        animation = CardAnimation(story, schedule, layout, video.background)
        n = schedule.num_frames
        hands = [np.zeros((n, 2)), np.zeros((n, 2))]
        shown = [np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)]
        last = [layout.new_spot, layout.drawn_spot]
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
        ]
        return tracks, {"layout": layout.to_scene()}, animation


def handled_count(story: Story, card: str) -> int:
    """Operations that pick `card` up."""
    return sum(card in moved_cards(story.states[k], story.states[k + 1], op)
               for k, op in enumerate(story.ops))


class CardLayout:
    """Where things are on the table: the pile row (top card on the left), the spot new
    cards come from and the spot drawn cards go to."""

    def __init__(self, width: int, height: int, card_w: int, card_h: int, x0: int,
                 spacing: int, pile_y: int, scale: float):
        self.width, self.height = width, height
        self.card_w, self.card_h = card_w, card_h
        self.x0, self.spacing, self.pile_y, self.scale = x0, spacing, pile_y, scale
        self.new_spot = (round(0.27 * width), round(0.25 * height))
        self.drawn_spot = (round(0.73 * width), round(0.25 * height))

    @classmethod
    def for_video(cls, video: VideoSpec, max_cards: int) -> "CardLayout":
        s = frame_size_scale(video)
        card_w = odd(58 * s)
        card_h = odd(card_w * 1.42)
        margin = round(0.04 * video.width)
        x0 = margin + card_w // 2
        room = video.width - 2 * margin - card_w
        spacing = int(min(card_w + 6 * s, room / max(1, max_cards - 1)))
        return cls(video.width, video.height, card_w, card_h, x0, spacing,
                   round(0.62 * video.height), s)

    def slot(self, index: int) -> tuple[int, int]:
        return self.x0 + index * self.spacing, self.pile_y

    def to_scene(self) -> dict[str, Any]:
        return {"card": [self.card_w, self.card_h], "pile_y": self.pile_y, "x0": self.x0,
                "spacing": self.spacing, "new_spot": list(self.new_spot),
                "drawn_spot": list(self.drawn_spot)}


class CardAnimation:
    """Frames of a cards story (see the module docstring)."""

    def __init__(self, story: Story, schedule: Schedule, layout: CardLayout,
                 background: tuple[int, int, int]):
        self.story, self.schedule, self.layout = story, schedule, layout
        self.ink = ink_for(background)
        self.hand = PALETTE[HAND_COLOR]
        self.second_hand = PALETTE[SECOND_HAND_COLOR]
        self.highlight_width = max(3.0, round(4 * layout.scale))

    def card_key(self, code: str, face_up: bool, highlight=None, solid: bool = False) -> tuple:
        return ("card", code, face_up, self.layout.card_w, self.layout.card_h, highlight,
                self.highlight_width, solid)

    # -- background: labels and the position numbers of the current pile size -----------

    def pile_size(self, frame: int) -> int:
        phase = self.schedule.phase(frame)
        if phase == "final":
            return len(self.story.states[-1])
        return len(self.story.states[self.schedule.completed(frame)])

    def background(self, frame: int) -> Hashable:
        return self.pile_size(frame)

    def background_items(self, key: Hashable) -> list[Item]:
        lay, s = self.layout, self.layout.scale
        size = max(9, round(15 * s))
        small = max(8, round(13 * s))
        grey = (150, 150, 155)
        items: list[Item] = []
        for label, (x, y) in (("new card", lay.new_spot), ("drawn", lay.drawn_spot)):
            items.append((("box", lay.card_w, lay.card_h, grey, 0.1 * lay.card_w, 1.5), x, y))
            items.append((("text", label, small, self.ink), x, y - lay.card_h / 2 - small))
        top_x, _ = lay.slot(0)
        items.append((("text", "top", size, self.ink), top_x,
                      lay.pile_y - lay.card_h / 2 - size))
        for k in range(int(key)):
            x, _ = lay.slot(k)
            items.append((("text", str(k + 1), small, grey), x + (lay.spacing - lay.card_w) / 2
                          if lay.spacing < lay.card_w else x,
                          lay.pile_y + lay.card_h / 2 + small))
        return items

    # -- moving parts ------------------------------------------------------------------

    def _op_motion(self, k: int, p: float) -> tuple[list[tuple[str, tuple[float, float]]],
                                                    list[tuple[str, tuple[float, float], bool]]]:
        """(pile cards with positions, cards in hand with positions and face-up flags) of
        operation k at progress p."""
        lay = self.layout
        before, after = self.story.states[k], self.story.states[k + 1]
        op = self.story.ops[k]
        in_hand = moved_cards(before, after, op)
        e = ease(p)
        pile = []
        for code in after:
            if code in in_hand:
                continue
            a, b = lay.slot(before.index(code)), lay.slot(after.index(code))
            pile.append((code, (a[0] + (b[0] - a[0]) * e, a[1])))
        lift = 0.95 * lay.card_h
        kind = op["op"]
        hand: list[tuple[str, tuple[float, float], bool]] = []
        if kind == "draw":
            start = lay.slot(before.index(in_hand[0]))
            hand.append((in_hand[0], arc_point(start, lay.drawn_spot, e, -0.3 * lay.card_h),
                         p >= 0.5))
        elif kind == "insert":
            end = lay.slot(after.index(in_hand[0]))
            hand.append((in_hand[0], arc_point(lay.new_spot, end, e, -0.3 * lay.card_h), True))
        elif kind == "move":
            a, b = lay.slot(before.index(in_hand[0])), lay.slot(after.index(in_hand[0]))
            hand.append((in_hand[0], arc_point(a, b, e, -lift), False))
        else:
            first, second = in_hand
            a, b = lay.slot(before.index(first)), lay.slot(after.index(first))
            hand.append((first, arc_point(a, b, e, -lift), False))
            hand.append((second, arc_point(b, a, e, lift), False))
        return pile, hand

    def hand_positions(self, frame: int) -> list[tuple[int, int] | None]:
        """Integer centres of the two face-down cards in hand, whose coloured backs are the
        tracked objects (None when no such card is in hand)."""
        active = self.schedule.active(frame)
        out: list[tuple[int, int] | None] = [None, None]
        if active is None:
            return out
        _, hand = self._op_motion(*active)
        for h, (_, pos, face_up) in enumerate(hand):
            if not face_up:
                out[h] = (int(round(pos[0])), int(round(pos[1])))
        return out

    def items(self, frame: int) -> list[Item]:
        story, schedule, lay = self.story, self.schedule, self.layout
        phase = schedule.phase(frame)
        if phase != "operations":
            step = 0 if phase == "initial" else story.n
            face_up = story.reveal == phase
            return [(self.card_key(c, face_up), *lay.slot(i))
                    for i, c in enumerate(story.states[step])]
        active = schedule.active(frame)
        items: list[Item] = []
        if active is None:
            done = schedule.completed(frame)
            items = [(self.card_key(c, False), *lay.slot(i))
                     for i, c in enumerate(story.states[done])]
            if done and story.ops[done - 1]["op"] == "draw":
                items.append((self.card_key(story.ops[done - 1]["card"], True),
                              *lay.drawn_spot))
            return items
        pile, hand = self._op_motion(*active)
        pile.sort(key=lambda entry: entry[1][0])
        items = [(self.card_key(c, False), round(x), round(y)) for c, (x, y) in pile]
        for h, (code, (x, y), face_up) in enumerate(hand):
            # A face-down card in hand shows a coloured back (the tracked object); a face-up
            # one is framed in the same colour.
            color = self.hand if h == 0 else self.second_hand
            items.append((self.card_key(code, face_up, color, solid=not face_up), round(x),
                          round(y)))
        return items
