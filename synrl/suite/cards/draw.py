"""Drawing of `cards`: the board animation the "board" renderer plays, separate from
the simulation and the questions (task.py), which import it only to stage a video."""

from __future__ import annotations

from typing import Any, Hashable

from synrl.render.boards import Item, arc_point, colour_centroid, ease, ink_for, odd
from synrl.render.shapes import PALETTE
from synrl.suite.base import VideoSpec
from synrl.suite._longterm.base import Schedule, Story, frame_size_scale
from synrl.suite.cards.task import FACE_UP_HAND_COLOR, HAND_COLOR, SECOND_HAND_COLOR, moved_cards


FACE_UP_FRAME = 2.5


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
        self.face_up_hand = PALETTE[FACE_UP_HAND_COLOR]
        self.highlight_width = max(3.0, round(4 * layout.scale))

    def card_key(self, code: str, face_up: bool, highlight=None, solid: bool = False) -> tuple:
        # A face-up card in hand is framed twice as wide: a hollow frame is what the audit
        # follows it by, and a thin one has too few pixels to be measured as one object.
        width = self.highlight_width * (FACE_UP_FRAME if face_up and highlight is not None
                                        else 1)
        return ("card", code, face_up, self.layout.card_w, self.layout.card_h, highlight,
                width, solid)

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

    def hand_positions(self, frame: int) -> list[tuple[float, float] | None]:
        """Where the audit finds the cards in hand: the coloured backs of the first and the
        second face-down card, then the frame of a face-up one (None when absent)."""
        active = self.schedule.active(frame)
        out: list[tuple[float, float] | None] = [None, None, None]
        if active is None:
            return out
        _, hand = self._op_motion(*active)
        for h, (code, pos, face_up) in enumerate(hand):
            x, y = int(round(pos[0])), int(round(pos[1]))
            if face_up:
                dx, dy = colour_centroid(self.card_key(code, True, self.face_up_hand),
                                         self.face_up_hand)
                out[2] = (x + dx, y + dy)
            else:
                out[h] = (x, y)
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
            # A face-down card in hand shows a coloured back, a face-up one a frame of its
            # own colour: each is a tracked object with one appearance.
            color = (self.face_up_hand if face_up else self.hand if h == 0
                     else self.second_hand)
            items.append((self.card_key(code, face_up, color, solid=not face_up), round(x),
                          round(y)))
        return items
