"""The programmatic CoT checker, run on every chain whoever wrote it.

A chain passes when (1) it is ``<think>...</think><answer>...</answer>`` (the format
reward's rule), (2) its answer block scores full accuracy for the record (the accuracy
reward, so the checker and training can never disagree), (3) every time it mentions is
within a tolerance (0.5 s) of a timeline event's start or end, or of the clip's start or
end, (4) every object it names by colour and shape ("the orange circle") exists in the
video (in some frame, for objects that change colour or shape), and (5) every card, cup,
file, path, grid cell or tile it names exists in the record (:mod:`synrl.cot.names`).

Times are read from the think block: clock times (``mm:ss``, ``mm:ss.s``, ``hh:mm:ss``)
anywhere, and seconds after a time preposition ("at 1.7 s", "around 2 seconds",
"from 1.2 s"); a bare duration ("for 2 seconds", "over 3 s") is not a time and is not
checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from synrl.cot.names import NAME_KINDS, name_list, unknown_names
from synrl.qa import answer_for, split_completion
from synrl.cot.prompts import format_timestamp, object_names
from synrl.render.shapes import PALETTE, shape_name
from synrl.rewards import accuracy_reward, follows_format

__all__ = ["CheckConfig", "CheckResult", "check_cot", "mentioned_objects", "mentioned_times"]


@dataclass(frozen=True)
class CheckConfig:
    """Tolerances of the checker."""

    #: A mentioned time must be this close (seconds) to an event boundary.
    timestamp_tolerance_s: float = 0.5
    #: Minimum accuracy reward of the answer block (1.0: exactly right; intervals: IoU).
    min_accuracy: float = 1.0
    #: Whether the clip's first and last instants count as events ("at 00:00 the ...").
    clip_bounds_are_events: bool = True


@dataclass
class CheckResult:
    """Outcome of :func:`check_cot`; ``problems`` says what failed in words."""

    ok: bool
    format_ok: bool
    answer_ok: bool
    accuracy: float
    timestamps_ok: bool
    objects_ok: bool
    names_ok: bool = True
    #: "when" questions: the chain cites the times at which the asked event starts and ends.
    grounding_ok: bool = True
    timestamps: list[float] = field(default_factory=list)
    bad_timestamps: list[str] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)
    unknown_objects: list[str] = field(default_factory=list)
    #: Long-term names (cards, cups, files, cells, tiles) not in the record, by kind.
    unknown_names: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def feedback(self) -> str:
        """The problems as a bulleted list, for sending a chain back to its writer."""
        return "\n".join(f"- {problem}" for problem in self.problems)


# ------------------------------------------------------------------------------- times

# A colon right after a time is punctuation ("00:02: it jumps"), not more clock digits.
_CLOCK = re.compile(r"(?<![\w:.])(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?(?![\w]|:\d|\.\d)")
_SECONDS = re.compile(
    r"\b(?:at|around|near|until|till|from|between)\s+(?:t\s*=\s*)?(\d+(?:\.\d+)?)\s*"
    r"(?:s|sec|secs|second|seconds)\b",
    re.IGNORECASE,
)


def mentioned_times(text: str) -> list[tuple[str, float]]:
    """``(as written, seconds)`` of every time ``text`` mentions, in order of appearance."""
    found: list[tuple[int, str, float]] = []
    for m in _CLOCK.finditer(text):
        hours, minutes, secs, frac = m.groups()
        if int(secs) >= 60 or (hours is not None and int(minutes) >= 60):
            continue
        value = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + float(f"0.{frac or 0}")
        found.append((m.start(), m.group(0), value))
    for m in _SECONDS.finditer(text):
        found.append((m.start(), m.group(0), float(m.group(1))))
    return [(written, value) for _, written, value in sorted(found)]


def _anchors_s(record: Mapping[str, Any], config: CheckConfig) -> list[float]:
    anchors = set()
    for event in record.get("timeline") or []:
        anchors.add(event["start_ms"] / 1000.0)
        anchors.add(event["end_ms"] / 1000.0)
    if config.clip_bounds_are_events:
        anchors.update((0.0, record["video"]["duration_ms"] / 1000.0))
    query = record.get("query") or {}
    if query.get("kind") == "track":  # the times the question asks about
        anchors.update(float(t) for t in query.get("times_s") or [])
    return sorted(anchors)


# ----------------------------------------------------------------------------- objects

# How a watcher may call each shape; the first word of each list is never ambiguous.
_SHAPE_WORDS = {
    "circle": ("circle", "ball", "disc", "disk", "dot"),
    "square": ("square",),
    "triangle": ("triangle",),
    "star": ("star",),
    "pentagon": ("pentagon",),
    "hexagon": ("hexagon",),
    "T": ("t shape", "t-shape", "t"),
    "L": ("l shape", "l-shape", "l"),
}
_WORD_TO_SHAPE = {word: shape for shape, words in _SHAPE_WORDS.items() for word in words}
_MENTION = re.compile(
    r"\b(" + "|".join(sorted(PALETTE, key=len, reverse=True)) + r")[- ]("
    + "|".join(re.escape(w) for w in sorted(_WORD_TO_SHAPE, key=len, reverse=True))
    + r")(?:e?s)?\b",
    re.IGNORECASE,
)


def mentioned_objects(text: str) -> list[tuple[str, str]]:
    """``(colour, shape)`` of every object ``text`` names by colour and shape, in order."""
    out = []
    for m in _MENTION.finditer(text):
        word = m.group(2).casefold()
        out.append((m.group(1).casefold(), _WORD_TO_SHAPE[word]))
    return out


def _known_objects(record: Mapping[str, Any]) -> set[tuple[str, str]]:
    known = set()
    for track in record.get("tracks") or []:
        colors = set(track.get("color_by_frame") or [track["color"]])
        shapes = set(track.get("shape_by_frame") or [track["shape"]])
        known.update((c, s) for c in colors for s in shapes)
    return known


# ------------------------------------------------------------------------------- check


def check_cot(cot: str, record: Mapping[str, Any], config: CheckConfig = CheckConfig()) -> CheckResult:
    """Check one chain against its record; never raises on any chain text."""
    problems: list[str] = []
    text = cot if isinstance(cot, str) else ""
    format_ok = follows_format(text)
    if not format_ok:
        problems.append("The reply must be exactly <think>reasoning</think><answer>answer</answer>, "
                        "each tag once, nothing outside the two blocks.")
    parts = split_completion(text)
    if format_ok and parts is not None and not parts[0]:
        format_ok = False
        problems.append("The think block is empty: write the reasoning inside <think> </think>.")
    accuracy = accuracy_reward(text, record)
    answer_ok = accuracy >= config.min_accuracy
    if not answer_ok:
        given = parts[1] if parts else "no answer block"
        problems.append(f"The final answer ({given!r}) is wrong: the correct answer is "
                        f"{_answer_words(record)}.")

    think = parts[0] if parts else text
    anchors = _anchors_s(record, config)
    times = mentioned_times(think)
    bad = [written for written, value in times
           if not any(abs(value - a) <= config.timestamp_tolerance_s + 1e-9 for a in anchors)]
    if bad:
        listed = ", ".join(format_timestamp(a * 1000, 1) for a in anchors)
        problems.append(f"These times match no event (each must be within "
                        f"{config.timestamp_tolerance_s:g} s of one): {', '.join(bad)}. "
                        f"Event times: {listed}.")

    uncited = _uncited_moments(record, [value for _, value in times])
    if uncited:
        problems.append("The question asks when something happens: say at which time it starts and at "
                        f"which it ends (within one frame); the reasoning never mentions {' or '.join(uncited)}.")
    unstated = _unstated_boxes(record, think)
    if unstated:
        problems.append("The question asks where the object is at each time: state its box at every asked "
                        f"time as the video shows it; the reasoning never gives {', '.join(unstated)}.")
        uncited = uncited + unstated

    known = _known_objects(record)
    mentions = mentioned_objects(think)
    unknown = sorted({f"{c} {shape_name(s)}" for c, s in mentions if (c, s) not in known})
    if unknown:
        present = ", ".join(object_names(record).values()) or "none"
        problems.append(f"Names objects that are not in the video: {', '.join(unknown)}. "
                        f"The objects are: {present}.")
    missing = unknown_names(think, record)
    for kind, names in missing.items():
        noun = NAME_KINDS[kind].noun
        problems.append(f"Names {noun} that are not in the video: {', '.join(names)}. "
                        f"The {noun} are: {name_list(record, kind) or 'none'}.")
    return CheckResult(
        ok=not problems,
        format_ok=format_ok,
        answer_ok=answer_ok,
        accuracy=accuracy,
        timestamps_ok=not bad,
        objects_ok=not unknown,
        names_ok=not missing,
        grounding_ok=not uncited,
        timestamps=[value for _, value in times],
        bad_timestamps=bad,
        objects=[f"{c} {shape_name(s)}" for c, s in mentions],
        unknown_objects=unknown,
        unknown_names=missing,
        problems=problems,
    )


def _uncited_moments(record: Mapping[str, Any], mentioned_s: list[float]) -> list[str]:
    """For a "when" record, the times the chain must cite but does not: the asked event's
    start and end (its instant when it has no length), each within one frame (plus the
    answer's 10 ms rounding). Empty for any other record."""
    query = record.get("query") or {}
    if query.get("kind") != "when":
        return []
    start, end = (float(v) for v in (record.get("answer_value") or record["answer"]))
    wanted = [float(query["at_s"])] if query.get("instant") else [start, end]
    tolerance = 1.0 / float(record["video"]["fps"]) + 0.01
    return [format_timestamp(t * 1000, 2) for t in wanted
            if not any(abs(t - m) <= tolerance for m in mentioned_s)]


_NUMBER = r"\s*(-?\d+(?:\.\d+)?)\s*"
_BOX = re.compile(r"\[" + ",".join([_NUMBER] * 4) + r"\]")
# A stated box may differ from the answer's by this much per coordinate (a model reading
# the outline off a frame is a pixel or so off; the reward scores the exact boxes).
MAX_BOX_ERROR_PX = 2.0


def _unstated_boxes(record: Mapping[str, Any], think: str) -> list[str]:
    """For a tracking record, the answer boxes the reasoning never states (each must appear
    as four numbers within MAX_BOX_ERROR_PX of the truth); empty for any other record."""
    query = record.get("query") or {}
    if query.get("kind") != "track":
        return []
    stated = [[float(v) for v in m.groups()] for m in _BOX.finditer(think)]
    return [f"[{', '.join(str(int(v)) for v in box)}] at {t:g} s"
            for t, box in zip(query["times_s"], record.get("answer_value") or record["answer"])
            if not any(max(abs(float(a) - float(b)) for a, b in zip(s, box)) <= MAX_BOX_ERROR_PX
                       for s in stated)]


def _answer_words(record: Mapping[str, Any]) -> str:
    answer = answer_for(record)
    if record.get("answer_type") == "multiple_choice" and record.get("answer_text"):
        return f"{answer} ({record['answer_text']})"
    return answer
