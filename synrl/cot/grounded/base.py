"""What a grounded writer works with: the record, a seeded phrasing generator and helpers
that turn timeline times, track positions and angles into a watcher's words."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from synrl.qa import answer_for
from synrl.cot.prompts import format_timestamp, object_names

COMPASS = ("right", "upper right", "top", "upper left", "left", "lower left", "bottom", "lower right")
MOTION = ("right", "up and to the right", "up", "up and to the left", "left", "down and to the left",
          "down", "down and to the right")


def compass_index(degrees: float) -> int:
    """Nearest of the eight compass sectors of a maths angle (0 = right, 90 = up)."""
    return round((degrees % 360) / 45) % 8


@dataclass
class WriterContext:
    """One record seen by a writer. ``rng`` is seeded from the record's seed, so the same
    record always gets the same phrasing and different samples get different ones."""

    record: Mapping[str, Any]
    rng: random.Random
    decimals: int = 0
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_record(cls, record: Mapping[str, Any]) -> "WriterContext":
        return cls(record, random.Random(int(record["seed"])), names=object_names(record))

    # -- phrasing ---------------------------------------------------------------------

    def pick(self, *variants: str) -> str:
        """One of ``variants``, chosen by the record's seed."""
        return self.rng.choice(variants)

    def style(self, count: int) -> int:
        """Which of ``count`` overall structures this record's reasoning takes."""
        return self.rng.randrange(count)

    # -- objects ----------------------------------------------------------------------

    @property
    def target_id(self) -> str:
        query = self.record.get("query") or {}
        if "object" in query:
            return str(query["object"])
        for track in self.record.get("tracks") or []:
            if track.get("role") == "target":
                return str(track["id"])
        raise ValueError(f"{self.record.get('id')}: no target object in query or tracks")

    def name(self, track_id: str) -> str:
        return self.names[track_id]

    def track(self, track_id: str) -> Mapping[str, Any]:
        for track in self.record.get("tracks") or []:
            if track["id"] == track_id:
                return track
        raise KeyError(track_id)

    def others(self, track_id: str) -> list[str]:
        """Names of every object but ``track_id``."""
        return [name for tid, name in self.names.items() if tid != track_id]

    def distractor_note(self, track_id: str) -> str:
        """A sentence setting the other objects aside ("" when there are none)."""
        others = self.others(track_id)
        if not others:
            return ""
        listed = join_words([f"the {name}" for name in others])
        verb = "moves" if len(others) == 1 else "move"
        return self.pick(
            f"{capitalize(listed)} also {verb} around, but they are not what the question is about, so I ignore them.",
            f"There are other shapes too ({listed}); I keep my eyes on the {self.name(track_id)} only.",
            f"I set aside {listed}: only the {self.name(track_id)} matters here.",
        )

    # -- time -------------------------------------------------------------------------

    @property
    def fps(self) -> float:
        return float(self.record["video"]["fps"])

    @property
    def duration_ms(self) -> int:
        return int(self.record["video"]["duration_ms"])

    @property
    def num_frames(self) -> int:
        return int(self.record["video"]["num_frames"])

    def events(self, type: str | None = None, object: str | None = None) -> list[Mapping[str, Any]]:
        """Timeline events, optionally of one type and one object, in time order."""
        out = [e for e in self.record.get("timeline") or []
               if (type is None or e["type"] == type) and (object is None or e.get("object") == object)]
        return sorted(out, key=lambda e: (e["start_ms"], e["end_ms"]))

    def at(self, ms: float) -> str:
        """A time as the reasoning writes it (``mm:ss``, or ``mm:ss.s`` when precise)."""
        return format_timestamp(ms, self.decimals)

    def end(self) -> str:
        return self.at(self.duration_ms)

    def precise_if_crowded(self, times_ms: Sequence[float]) -> None:
        """Switch to tenths of a second when two of ``times_ms`` would print the same."""
        printed = [format_timestamp(t) for t in sorted(times_ms)]
        if len(set(printed)) < len(printed):
            self.decimals = 1

    # -- space ------------------------------------------------------------------------

    def _arena(self) -> tuple[float, float, float, float]:
        arena = (self.record.get("scene") or {}).get("arena")
        if arena:
            return tuple(float(v) for v in arena)  # type: ignore[return-value]
        video = self.record["video"]
        return 0.0, 0.0, float(video["width"]), float(video["height"])

    def region(self, x: float, y: float) -> str:
        """Where a point is in the arena: "the top left", "the centre", "the right side"."""
        x0, y0, x1, y1 = self._arena()
        col = min(2, max(0, int(3 * (x - x0) / max(1e-9, x1 - x0))))
        row = min(2, max(0, int(3 * (y - y0) / max(1e-9, y1 - y0))))
        vertical = ("top", "middle", "bottom")[row]
        horizontal = ("left", "centre", "right")[col]
        if row == 1 and col == 1:
            return "the centre"
        if row == 1:
            return f"the {horizontal} side"
        if col == 1:
            return f"the {vertical}"
        return f"the {vertical} {horizontal}"

    def located(self, x: float, y: float) -> str:
        """:meth:`region` with its preposition: "in the top left", "on the right side"."""
        region = self.region(x, y)
        if region.endswith("side"):
            return "on " + region
        if region in ("the top", "the bottom"):
            return "at " + region
        return "in " + region

    def position(self, track_id: str, frame: int) -> tuple[float, float]:
        track = self.track(track_id)
        frame = min(max(0, frame), len(track["x"]) - 1)
        return float(track["x"][frame]), float(track["y"][frame])

    def heading(self, track_id: str, frame: int, span: int = 3) -> str:
        """Which way the object moves around ``frame`` ("up and to the left")."""
        first = max(0, min(frame, self.num_frames - 1 - span))
        x0, y0 = self.position(track_id, first)
        x1, y1 = self.position(track_id, first + span)
        return MOTION[compass_index(math.degrees(math.atan2(-(y1 - y0), x1 - x0)))]

    def frame_of(self, ms: float) -> int:
        return min(self.num_frames - 1, max(0, int(round(ms * self.fps / 1000.0))))

    # -- answer -----------------------------------------------------------------------

    def conclude(self, finding: str) -> str:
        """``finding`` followed by the answer in the form the question asks for."""
        answer = answer_for(self.record)
        if self.record["answer_type"] == "multiple_choice":
            text = self.record["answer_text"]
            return self.pick(
                f"{finding} That matches option {answer} ({text}).",
                f"{finding} The correct option is therefore {answer}: {text}.",
                f"{finding} Of the options, {answer} ({text}) says exactly this.",
            )
        return self.pick(
            f"{finding} That gives the answer {answer}.",
            f"{finding} The answer is therefore {answer}.",
            f"{finding} Final answer: {answer}.",
        )


def join_words(items: Sequence[str], last: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural_word or word + 's')}"


def times(count: int) -> str:
    """ "once", "twice", "3 times"."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def ordinal(n: int) -> str:
    """1 -> "first"; past ten, "11th"."""
    if 1 <= n <= len(ORDINALS):
        return ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def paragraphs(*parts: str) -> str:
    """Non-empty parts joined as paragraphs."""
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def measured_speed(ctx: WriterContext, track_id: str, first: int, last: int) -> float:
    """Speed (px/s) the object shows between frames ``first`` and ``last``, read from its
    track as the median step per frame: a bounce off a wall folds one step, the median
    ignores it."""
    first = max(0, min(first, ctx.num_frames - 2))
    last = max(first + 1, min(last, ctx.num_frames - 1))
    steps = []
    for frame in range(first, last):
        x0, y0 = ctx.position(track_id, frame)
        x1, y1 = ctx.position(track_id, frame + 1)
        steps.append(math.hypot(x1 - x0, y1 - y0))
    steps.sort()
    return steps[len(steps) // 2] * ctx.fps


def with_article(noun_phrase: str) -> str:
    """ "a red star", "an orange star"."""
    return ("an " if noun_phrase[:1].lower() in "aeiou" else "a ") + noun_phrase
